/**
 * The full-screen terminal session of `pongctl spectate`, `play` and
 * `replay`: raw keyboard input, the alternate screen buffer with the cursor
 * hidden, resize notifications (SIGWINCH arrives as the stream's 'resize'),
 * and a restore that always runs — on close, on SIGTERM/SIGHUP/SIGINT, and
 * synchronously on process exit if a crash got past everything else. Frames
 * are written row by row, only the rows that changed.
 */
import { writeSync } from 'node:fs';
import { AppError } from '../../api/contract/errors.ts';

/** The streams a screen drives; process.stdin/stdout in the CLI. */
export interface ScreenIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream & { fd: number };
}

const ESC = '\u001b[';
const enterSequence = `${ESC}?1049h${ESC}?25l${ESC}2J${ESC}H`;
const leaveSequence = `${ESC}0m${ESC}?25h${ESC}?1049l`;
const quitSignals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;

/** Refuses (exit 2) unless both stdin and stdout are terminals. */
export function requireTerminal(io: ScreenIo, what: string): void {
  if (!io.stdin.isTTY || !io.stdout.isTTY) {
    throw new AppError('VALIDATION', `${what} needs a terminal (stdin and stdout must be a TTY)`);
  }
}

function subscribe<L>(list: L[], listener: L): () => void {
  list.push(listener);
  return () => {
    const at = list.indexOf(listener);
    if (at >= 0) list.splice(at, 1);
  };
}

export class Screen {
  readonly #io: ScreenIo;
  readonly #keyListeners: ((data: string) => void)[] = [];
  readonly #resizeListeners: (() => void)[] = [];
  readonly #quitListeners: ((why: string) => void)[] = [];
  readonly #onData = (data: string) => [...this.#keyListeners].forEach((l) => l(data));
  readonly #onResize = () => {
    this.#previous = [];
    this.#write(`${ESC}2J`);
    this.#resizeListeners.forEach((l) => l());
  };
  readonly #onSignal = (signal: NodeJS.Signals) =>
    [...this.#quitListeners].forEach((l) => l(signal));
  readonly #onExit = () => this.#restore(true);
  #previous: string[] = [];
  #open = false;

  constructor(io: ScreenIo) {
    this.#io = io;
  }

  /** Terminal size in character cells. */
  get size(): { columns: number; rows: number } {
    return { columns: this.#io.stdout.columns || 80, rows: this.#io.stdout.rows || 24 };
  }

  /** Raw mode, alternate screen, hidden cursor; from here on `close` (or exit) restores the terminal. */
  open(): this {
    const { stdin, stdout } = this.#io;
    this.#open = true;
    process.once('exit', this.#onExit);
    for (const signal of quitSignals) process.on(signal, this.#onSignal);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', this.#onData);
    stdin.resume();
    stdout.on('resize', this.#onResize);
    this.#write(enterSequence);
    return this;
  }

  /** Raw input chunks (keys; see input-model.ts `keysOf`). In raw mode Ctrl-C arrives here as "\u0003". Returns the unsubscribe. */
  onKey(listener: (data: string) => void): () => void {
    return subscribe(this.#keyListeners, listener);
  }

  onResize(listener: () => void): () => void {
    return subscribe(this.#resizeListeners, listener);
  }

  /** A termination signal arrived: the owner should wind down and close. */
  onQuit(listener: (why: string) => void): () => void {
    return subscribe(this.#quitListeners, listener);
  }

  /** Draws a frame of lines from the top-left corner, rewriting only rows that changed; nothing once closed. */
  draw(lines: readonly string[]): void {
    // A loop that has not noticed the end yet must not paint over the restored terminal.
    if (!this.#open) return;
    let out = '';
    lines.forEach((line, i) => {
      if (this.#previous[i] !== line) out += `${ESC}${i + 1};1H${line}`;
    });
    this.#previous = [...lines];
    if (out) this.#write(out);
  }

  /** Restores the terminal (idempotent). */
  close(): void {
    this.#restore(false);
  }

  #restore(sync: boolean): void {
    if (!this.#open) return;
    this.#open = false;
    const { stdin, stdout } = this.#io;
    process.off('exit', this.#onExit);
    for (const signal of quitSignals) process.off(signal, this.#onSignal);
    stdout.off('resize', this.#onResize);
    stdin.off('data', this.#onData);
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
    // On 'exit' only synchronous writes still reach the terminal.
    if (sync) writeSync(stdout.fd, leaveSequence);
    else this.#write(leaveSequence);
  }

  #write(text: string): void {
    this.#io.stdout.write(text);
  }
}

/** Runs `body` on an open screen and restores the terminal however it ends. */
export async function withScreen<T>(
  io: ScreenIo,
  body: (screen: Screen) => Promise<T>,
): Promise<T> {
  const screen = new Screen(io).open();
  try {
    return await body(screen);
  } finally {
    screen.close();
  }
}
