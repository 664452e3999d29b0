/**
 * Keyboard model for terminals, which report key presses (and auto-repeats)
 * but never key releases. A press moves the paddle for a short hold; while the
 * key is held down, the terminal's auto-repeat presses keep extending the hold;
 * the opposite key switches direction at once; space stops. Pure and
 * clock-injected: every function takes `now` in milliseconds.
 */
import { type Direction } from '../../api/contract/game.ts';

export interface InputModelOptions {
  /** How long a single press moves the paddle (a tap). */
  tapHoldMs: number;
  /** How long each further press of the same key extends the move; longer than the auto-repeat interval. */
  repeatHoldMs: number;
}

/** 150 ms tap ≈ 60 field units at the default paddle speed; 100 ms bridges auto-repeat gaps of 30–50 ms. */
export const DEFAULT_INPUT_MODEL: Readonly<InputModelOptions> = Object.freeze({
  tapHoldMs: 150,
  repeatHoldMs: 100,
});

export interface InputModelState {
  readonly dir: Direction;
  /** The paddle moves in `dir` while now < until. */
  readonly until: number;
}

export type InputKey = 'up' | 'down' | 'stop';

export function initialInputState(): InputModelState {
  return { dir: 0, until: 0 };
}

/** The state after a key press at `now`. */
export function pressKey(
  state: InputModelState,
  key: InputKey,
  now: number,
  options: InputModelOptions = DEFAULT_INPUT_MODEL,
): InputModelState {
  if (key === 'stop') return { dir: 0, until: now };
  const dir: Direction = key === 'up' ? -1 : 1;
  if (dir === state.dir && now < state.until) {
    // An auto-repeat of the held key: keep moving, never shortening the current hold.
    return { dir, until: Math.max(state.until, now + options.repeatHoldMs) };
  }
  return { dir, until: now + options.tapHoldMs };
}

/** The direction to send for the tick at `now`. */
export function directionAt(state: InputModelState, now: number): Direction {
  return now < state.until ? state.dir : 0;
}

const KEYS: Readonly<Record<string, InputKey | 'quit'>> = Object.freeze({
  w: 'up',
  W: 'up',
  '\u001b[A': 'up',
  '\u001bOA': 'up',
  s: 'down',
  S: 'down',
  '\u001b[B': 'down',
  '\u001bOB': 'down',
  ' ': 'stop',
  q: 'quit',
  Q: 'quit',
  '\u0003': 'quit',
});

/**
 * The keys in a chunk of raw terminal input (a busy terminal may deliver several
 * presses in one chunk): W/S, arrow keys, space, q and Ctrl-C; anything else is skipped.
 */
export function keysOf(data: string): (InputKey | 'quit')[] {
  const keys: (InputKey | 'quit')[] = [];
  for (let i = 0; i < data.length;) {
    // Arrow keys arrive as ESC [ A or ESC O A (application cursor mode).
    const token = data[i] === '\u001b' ? data.slice(i, i + 3) : data[i]!;
    const key = KEYS[token];
    if (key !== undefined) keys.push(key);
    i += token.length;
  }
  return keys;
}

/** The model in one paragraph, for `pongctl play --help`. */
export function describeInputModel(options: InputModelOptions = DEFAULT_INPUT_MODEL): string {
  return (
    `Keys: W or Up moves up, S or Down moves down, Space stops, q quits. Terminals send no key-release ` +
    `events, so a press moves the paddle for ${options.tapHoldMs} ms; holding the key lets your terminal's ` +
    `auto-repeat extend the move by ${options.repeatHoldMs} ms per repeat, and it stops about ` +
    `${options.repeatHoldMs} ms after you let go. The opposite key reverses at once.`
  );
}
