/**
 * The terminal Pong renderer: a `game.state` view → exactly `height` lines of
 * exactly `width` characters. The field is drawn with Unicode half blocks
 * (▀ ▄ █), two square-ish pixels per character cell stacked vertically, so the
 * ball moves smoothly on ordinary terminals. Pure: no terminal I/O, no clock;
 * `pongctl spectate`, `play` and `replay` write its lines to the screen.
 *
 * Layout: a header line (names and score), the bordered field, a footer line
 * (frame rate, match status, spectators). Below MIN_WIDTH × MIN_HEIGHT it
 * degrades to a one-line message.
 */
import { type GameView } from '../../api/contract/game.ts';

export const MIN_WIDTH = 24;
export const MIN_HEIGHT = 6;

export interface RenderOptions {
  /** Measured frames per second, shown in the footer when given. */
  fps?: number;
  /** Replaces the status derived from the match phase (e.g. "replay ×2"). */
  status?: string;
  /** Keys to mention after the phase status (spectate: "q quits"). */
  keysHint?: string;
}

/** Truncates to `width` code points, marking a cut with …. */
function fit(text: string, width: number): string {
  const chars = [...text];
  if (width <= 0) return '';
  if (chars.length <= width) return text;
  return width === 1 ? '…' : chars.slice(0, width - 1).join('') + '…';
}

function pad(text: string, width: number): string {
  const t = fit(text, width);
  return t + ' '.repeat(width - [...t].length);
}

/** Writes `text` into `cells` from `at`. */
function put(cells: string[], text: string, at: number): void {
  [...text].forEach((ch, i) => (cells[at + i] = ch));
}

/** Three texts on one line: left-aligned, centred, right-aligned; the centre wins when space is short. */
function spread(left: string, centre: string, right: string, width: number): string {
  const cells: string[] = Array(width).fill(' ');
  const c = fit(centre, width);
  const start = Math.floor((width - [...c].length) / 2);
  const end = start + [...c].length;
  put(cells, c, start);
  put(cells, fit(left, start - 1), 0);
  const r = fit(right, width - end - 1);
  put(cells, r, width - [...r].length);
  return cells.join('');
}

function nameOf(player: GameView['players'][number]): string {
  return player.bot === undefined ? player.username : `${player.username} [${player.bot}]`;
}

function statusOf(view: GameView, options: RenderOptions): string {
  if (options.status !== undefined) return options.status;
  const phase = phaseStatus(view);
  if (!options.keysHint) return phase;
  return phase ? `${phase} · ${options.keysHint}` : options.keysHint;
}

function phaseStatus(view: GameView): string {
  switch (view.phase) {
    case 'waiting':
      return 'waiting for players';
    case 'countdown':
      return `starting in ${view.countdown ?? 0}`;
    case 'paused':
      return view.countdown === undefined ? 'paused' : `paused · ${view.countdown}s`;
    case 'ended':
      return 'match over';
    default:
      return '';
  }
}

/** Pixel grid: `w` × `h` booleans, row-major. */
interface Pixels {
  w: number;
  h: number;
  on: Uint8Array;
}

function set(p: Pixels, x: number, y: number): void {
  if (x >= 0 && x < p.w && y >= 0 && y < p.h) p.on[y * p.w + x] = 1;
}

function drawField(view: GameView, p: Pixels): void {
  for (let x = 0; x < p.w; x++) {
    set(p, x, 0);
    set(p, x, p.h - 1);
  }
  for (let y = 0; y < p.h; y++) {
    set(p, 0, y);
    set(p, p.w - 1, y);
  }
  // Field units → interior pixels (inside the one-pixel border).
  const px = (fx: number) =>
    Math.min(p.w - 2, Math.max(1, 1 + Math.floor((fx * (p.w - 2)) / view.field.width)));
  const py = (fy: number) =>
    Math.min(p.h - 2, Math.max(1, 1 + Math.floor((fy * (p.h - 2)) / view.field.height)));
  const mid = px(view.field.width / 2);
  for (let y = 1; y < p.h - 1; y++) if (y % 4 < 2) set(p, mid, y);
  for (const paddle of view.paddles) {
    // Keep a gap between a paddle and the side border, however narrow the terminal.
    const x = Math.min(p.w - 3, Math.max(2, px(paddle.x)));
    const top = py(paddle.y - paddle.height / 2);
    const bottom = Math.max(top, py(paddle.y + paddle.height / 2) - 1);
    for (let y = top; y <= bottom; y++) set(p, x, y);
  }
  set(p, px(view.ball.x), py(view.ball.y));
}

function toCells(p: Pixels): string[] {
  const lines: string[] = [];
  for (let row = 0; row < p.h; row += 2) {
    let line = '';
    for (let x = 0; x < p.w; x++) {
      const top = p.on[row * p.w + x] === 1;
      const bottom = p.on[(row + 1) * p.w + x] === 1;
      line += top ? (bottom ? '█' : '▀') : bottom ? '▄' : ' ';
    }
    lines.push(line);
  }
  return lines;
}

/** Renders one frame; always `height` lines of `width` characters (none when either is below 1). */
export function renderField(
  view: GameView,
  width: number,
  height: number,
  options: RenderOptions = {},
): string[] {
  const w = Math.floor(width);
  const h = Math.floor(height);
  if (!(w >= 1 && h >= 1)) return [];
  if (w < MIN_WIDTH || h < MIN_HEIGHT) {
    const full = `terminal too small: need ${MIN_WIDTH}×${MIN_HEIGHT}`;
    const message = pad(w >= full.length ? full : 'too small', w);
    return [message, ...Array.from({ length: h - 1 }, () => ' '.repeat(w))];
  }
  const [left, right] = view.players;
  const header = spread(nameOf(left), `${view.score[0]} : ${view.score[1]}`, nameOf(right), w);
  const fps = options.fps === undefined ? '' : `${Math.round(options.fps)} fps`;
  const footer = spread(fps, statusOf(view, options), `${view.spectators} watching`, w);
  const pixels: Pixels = { w, h: 2 * (h - 2), on: new Uint8Array(w * 2 * (h - 2)) };
  drawField(view, pixels);
  return [header, ...toCells(pixels), footer];
}
