/**
 * Tournaments in the terminal, pure: a single-elimination bracket drawn as a
 * tree (one column per round, box-drawing connectors from each pair to the
 * slot its winner goes to, the champion at the end), or — when that does not
 * fit the width — round by round; and the round-robin table with its
 * schedule. Colour only when asked: winners bold, losers dim.
 */
import type { TournamentMatchView, TournamentView } from '../../api/contract/tournaments.ts';

export interface BracketOptions {
  color: boolean;
  /** Terminal columns; the tree falls back to a list when wider. */
  width?: number;
}

type Entrant = TournamentMatchView['a'];
type Style = 'win' | 'lose' | 'plain';

const paint = (color: boolean, style: Style, text: string) =>
  !color || style === 'plain'
    ? text
    : style === 'win'
      ? `\u001b[1m${text}\u001b[0m`
      : `\u001b[2m${text}\u001b[0m`;

function mark(m: TournamentMatchView, side: 'a' | 'b'): string {
  if (m.forfeit === side || m.forfeit === 'both') return 'ff';
  if (m.score) return String(side === 'a' ? m.score[0] : m.score[1]);
  if (m.state === 'finished' && m.reason?.startsWith('override'))
    return m.winner && m[side]?.username === m.winner ? 'W' : 'L';
  return '';
}

/** The alias of a decided match's winner (their username when the alias is gone). */
function winnerAlias(m: TournamentMatchView): string {
  const winner = [m.a, m.b].find((e) => e?.username && e.username === m.winner);
  return winner?.alias ?? m.winner ?? '?';
}

function styleOf(m: TournamentMatchView | undefined, e: Entrant): Style {
  if (!m || m.state !== 'finished' || !e || m.winner === null) return 'plain';
  return e.username === m.winner ? 'win' : 'lose';
}

interface Widths {
  seed: number;
  alias: number;
  mark: number;
}

function cell(e: Entrant, w: Widths, extra: { mark: string; bye?: boolean }): string {
  const seed = e?.seed ? String(e.seed) : '';
  const name = e ? e.alias : extra.bye ? '(bye)' : '…';
  return `${seed.padStart(w.seed)} ${name.slice(0, w.alias).padEnd(w.alias)} ${extra.mark.padStart(w.mark)}`;
}

function widthsOf(view: TournamentView): Widths {
  const all = view.rounds.flatMap((r) => r.matches.flatMap((m) => [m.a, m.b]));
  return {
    seed: Math.max(1, ...all.map((e) => String(e?.seed ?? '').length)),
    alias: Math.min(20, Math.max(5, ...all.map((e) => e?.alias.length ?? 0))),
    mark: 2,
  };
}

/** Rows of every slot: round 1 slot j at 2j; a later slot halfway between the two it comes from. */
function slotRows(rounds: number): number[][] {
  const rows = [Array.from({ length: 2 ** rounds }, (_, j) => 2 * j)];
  for (let r = 1; r <= rounds; r++) {
    const prev = rows[r - 1]!;
    rows.push(
      Array.from({ length: prev.length / 2 }, (_, j) => (prev[2 * j]! + prev[2 * j + 1]!) / 2),
    );
  }
  return rows;
}

function put(grid: string[][], y: number, x: number, text: string): void {
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) grid[y]![x + i] = chars[i]!;
}

/** The tree; null when it would be wider than `width`. */
export function renderBracketTree(view: TournamentView, options: BracketOptions): string | null {
  const rounds = view.rounds.length;
  if (rounds === 0) return null;
  const w = widthsOf(view);
  const cellWidth = w.seed + w.alias + w.mark + 2;
  const colWidth = cellWidth + 5;
  const totalWidth = rounds * colWidth + cellWidth + 2;
  if (options.width !== undefined && totalWidth > options.width) return null;
  const rows = slotRows(rounds);
  const height = 2 ** (rounds + 1) - 1;
  const grid = Array.from({ length: height }, () => new Array<string>(totalWidth).fill(' '));
  const styles: { y: number; x: number; len: number; style: Style }[] = [];
  for (const [r, round] of view.rounds.entries()) {
    const x = r * colWidth;
    for (const m of round.matches) {
      const [ya, yb] = [rows[r]![2 * m.position]!, rows[r]![2 * m.position + 1]!];
      const mid = rows[r + 1]![m.position]!;
      for (const [side, y] of [
        ['a', ya],
        ['b', yb],
      ] as const) {
        put(
          grid,
          y,
          x,
          cell(m[side], w, { mark: mark(m, side), bye: side === 'b' && m.reason === 'bye' }),
        );
        styles.push({ y, x, len: cellWidth, style: styleOf(m, m[side]) });
      }
      put(grid, ya, x + cellWidth, ' ─┐');
      for (let y = ya + 1; y < yb; y++) put(grid, y, x + cellWidth, '  │');
      put(grid, yb, x + cellWidth, ' ─┘');
      put(grid, mid, x + cellWidth, '  ├─ ');
    }
  }
  const final = view.rounds.at(-1)!.matches[0];
  const champion =
    final?.state === 'finished'
      ? ([final.a, final.b].find((e) => e?.username === final.winner) ?? null)
      : null;
  const mid = rows[rounds]![0]!;
  put(grid, mid, rounds * colWidth, champion ? `★ ${champion.alias}` : '…');
  if (champion)
    styles.push({ y: mid, x: rounds * colWidth, len: champion.alias.length + 2, style: 'win' });
  const header =
    view.rounds.map((r) => r.name.slice(0, colWidth - 1).padEnd(colWidth)).join('') + 'Champion';
  const lines = grid.map((chars, y) => {
    if (!options.color) return chars.join('').trimEnd();
    const mine = styles.filter((s) => s.y === y).sort((p, q) => q.x - p.x);
    let line = chars.join('');
    for (const s of mine)
      line =
        line.slice(0, s.x) +
        paint(true, s.style, line.slice(s.x, s.x + s.len)) +
        line.slice(s.x + s.len);
    return line.trimEnd();
  });
  return [paint(options.color, 'win', header), ...lines].join('\n');
}

function matchLine(m: TournamentMatchView, color: boolean): string {
  const name = (e: Entrant, side: 'a' | 'b') =>
    paint(
      color,
      styleOf(m, e),
      e
        ? `${e.alias}${e.seed ? ` (${e.seed})` : ''}`
        : side === 'b' && m.reason === 'bye'
          ? '(bye)'
          : '…',
    );
  if (m.reason === 'bye') return `${name(m.a, 'a')} — bye`;
  const middle = m.score ? `${m.score[0]}–${m.score[1]}` : 'vs';
  const forfeit = m.forfeit
    ? ` (forfeit: ${m.forfeit === 'both' ? 'both' : m[m.forfeit]?.alias})`
    : '';
  const state =
    m.state === 'finished'
      ? m.reason?.startsWith('override')
        ? ` [${m.reason}; ${winnerAlias(m)} wins]`
        : forfeit
      : ` [${m.state}]`;
  return `${name(m.a, 'a')} ${middle} ${name(m.b, 'b')}${state}`;
}

/** Round by round, one line per match: for narrow terminals and round robins. */
export function renderRoundsList(view: TournamentView, options: BracketOptions): string {
  return view.rounds
    .map((r) =>
      [
        `${r.name}${r.state === 'running' ? ' (current)' : ''}`,
        ...r.matches.map((m) => `  ${matchLine(m, options.color)}`),
      ].join('\n'),
    )
    .join('\n');
}

/** The round-robin table: rank, player, played, won, drawn, lost, points, scored and conceded. */
export function renderStandings(view: TournamentView, options: BracketOptions): string {
  const rows = view.standings.map((s) => [
    String(s.rank),
    s.alias,
    s.username ?? '',
    String(s.played),
    String(s.wins),
    String(s.draws),
    String(s.losses),
    String(s.points),
    `${s.pointsFor}:${s.pointsAgainst}`,
  ]);
  const head = ['#', 'PLAYER', 'USER', 'P', 'W', 'D', 'L', 'PTS', 'POINTS'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = new Set([0, 3, 4, 5, 6, 7]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    paint(options.color, 'win', line(head)),
    ...rows.map((r, i) =>
      i === 0 && view.state === 'finished' ? paint(options.color, 'win', line(r)) : line(r),
    ),
  ].join('\n');
}

/** What `pongctl tournaments show` prints under the summary. */
export function renderTournament(view: TournamentView, options: BracketOptions): string {
  if (view.rounds.length === 0) {
    const names = view.entrants.map((e) => `${e.alias} (${e.username ?? 'gone'})`);
    return names.length === 0
      ? 'No players registered yet.'
      : `Registered (${names.length}/${view.capacity}):\n${names.map((n) => `  ${n}`).join('\n')}`;
  }
  if (view.format === 'round_robin')
    return `${renderStandings(view, options)}\n\n${renderRoundsList(view, options)}`;
  return renderBracketTree(view, options) ?? renderRoundsList(view, options);
}
