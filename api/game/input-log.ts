/**
 * Input logs for replays: the direction each player held on every simulated
 * tick, run-length encoded. With the settings and the seed they reproduce a
 * match exactly (`replay`). Text form, one line:
 *   `1:<ticks>:<left runs>:<right runs>`, a run being u (up), n (still) or
 *   d (down) followed by its length in ticks (omitted when 1),
 * e.g. `1:9:n5u3d:d9`. A 10-minute match of steady play is a few kilobytes.
 */
import { AppError } from '../contract/errors.ts';
import { type Direction, type GameEvent, type GameSettings } from '../contract/game.ts';
import { advance, createMatchState, type MatchState, type TickInputs } from './engine.ts';

/**
 * One side's runs, packed one per 32-bit word as `count × 4 + dir + 1` in a
 * buffer that doubles as it fills: a 10-minute match of a key change every
 * 100 ms is 6,000 runs a side, 24–32 KB a side here; as one small array per
 * run the log was 1.5 MB, objects the young-generation collector copied and
 * promoted.
 */
interface RunList {
  packed: Uint32Array;
  length: number;
}

export interface InputLog {
  ticks: number;
  /** Runs of the left (0) and right (1) player; each sums to `ticks`. */
  sides: [RunList, RunList];
}

const runList = (capacity = 64): RunList => ({ packed: new Uint32Array(capacity), length: 0 });
const dirOf = (word: number) => ((word & 3) - 1) as Direction;
const countOf = (word: number) => word >>> 2;
const pack = (dir: Direction, count: number) => count * 4 + dir + 1;

function push(list: RunList, word: number): void {
  if (list.length === list.packed.length) {
    const grown = new Uint32Array(list.packed.length * 2);
    grown.set(list.packed);
    list.packed = grown;
  }
  list.packed[list.length++] = word;
}

/** An empty log to record into. */
export function createInputLog(): InputLog {
  return { ticks: 0, sides: [runList(), runList()] };
}

/** Appends one tick; writes one word when a player changes direction, allocates only to grow. */
export function recordInputs(log: InputLog, inputs: TickInputs): void {
  log.ticks += 1;
  appendRun(log.sides[0], inputs[0]);
  appendRun(log.sides[1], inputs[1]);
}

function appendRun(list: RunList, dir: Direction): void {
  const last = list.length - 1;
  // One more tick of the same direction adds 4 to the word (the count is above the two dir bits).
  if (last >= 0 && dirOf(list.packed[last]!) === dir) list.packed[last]! += 4;
  else push(list, pack(dir, 1));
}

const LETTERS = ['u', 'n', 'd'] as const;
const DIRS: Record<string, Direction> = { u: -1, n: 0, d: 1 };

function runText(word: number): string {
  const count = countOf(word);
  return LETTERS[word & 3]! + (count === 1 ? '' : String(count));
}

/** The text of runs [from, to) of a side. */
function runsText(list: RunList, from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++) text += runText(list.packed[i]!);
  return text;
}

/** A side's last run as text ('' before the first tick): the one run that may still grow. */
export function openRunText(log: InputLog, side: 0 | 1): string {
  const list = log.sides[side];
  return list.length === 0 ? '' : runText(list.packed[list.length - 1]!);
}

export function encodeInputLog(log: InputLog): string {
  const closed = (side: 0 | 1) => closedRunsAfter(log, side).text;
  return joinInputLog(
    log.ticks,
    [closed(0), closed(1)],
    [openRunText(log, 0), openRunText(log, 1)],
  );
}

/** The text form from its parts: each side's closed runs and open run. */
export function joinInputLog(
  ticks: number,
  closed: readonly [string, string],
  open: readonly [string, string],
): string {
  return `1:${ticks}:${closed[0]}${open[0]}:${closed[1]}${open[1]}`;
}

/** A place in one side's closed runs: how many runs, and how long their text is. */
export interface RunMark {
  runs: number;
  length: number;
}

/** The text of one side's closed runs (all but the last) after `from`, or all of them, and where they end. */
export function closedRunsAfter(
  log: InputLog,
  side: 0 | 1,
  from: RunMark = { runs: 0, length: 0 },
): { text: string; end: RunMark } {
  const list = log.sides[side];
  const closed = Math.max(0, list.length - 1);
  const text = runsText(list, from.runs, closed);
  return { text, end: { runs: closed, length: from.length + text.length } };
}

const LOG_PATTERN = /^1:(0|[1-9]\d{0,8}):([udn0-9]*):([udn0-9]*)$/;

/** Parses the text form; throws AppError VALIDATION on anything malformed or inconsistent. */
export function decodeInputLog(text: string): InputLog {
  const match = LOG_PATTERN.exec(text);
  if (!match) throw new AppError('VALIDATION', 'Input log is malformed');
  const ticks = Number(match[1]);
  return { ticks, sides: [decodeRuns(match[2]!, ticks), decodeRuns(match[3]!, ticks)] };
}

function decodeRuns(text: string, ticks: number): RunList {
  const list = runList();
  let total = 0;
  // Sticky regex created per call: its lastIndex is state and must not be shared.
  const pattern = /([udn])([1-9]\d{0,8})?/y;
  while (pattern.lastIndex < text.length) {
    const at = pattern.lastIndex;
    const m = pattern.exec(text);
    if (!m) throw new AppError('VALIDATION', 'Input log has a malformed run', { at });
    const dir = DIRS[m[1]!]!;
    const count = m[2] === undefined ? 1 : Number(m[2]);
    if (list.length > 0 && dirOf(list.packed[list.length - 1]!) === dir)
      throw new AppError('VALIDATION', 'Input log repeats a direction in consecutive runs');
    total += count;
    // Checked before packing: a run longer than the log would not fit the word.
    if (total > ticks) break;
    push(list, pack(dir, count));
  }
  if (total !== ticks)
    throw new AppError('VALIDATION', 'Input log runs do not add up to its tick count', {
      ticks,
      total,
    });
  return list;
}

/** Reads a log tick by tick; `current` is reused, so copy it if you keep it. */
export interface LogCursor {
  readonly log: InputLog;
  tick: number;
  run: [number, number];
  used: [number, number];
  current: [Direction, Direction];
}

export function createLogCursor(log: InputLog): LogCursor {
  return { log, tick: 0, run: [0, 0], used: [0, 0], current: [0, 0] };
}

/** The inputs of the next tick, or null when the log is exhausted. */
export function nextInputs(cursor: LogCursor): TickInputs | null {
  if (cursor.tick >= cursor.log.ticks) return null;
  cursor.tick += 1;
  cursor.current[0] = nextDir(cursor, 0);
  cursor.current[1] = nextDir(cursor, 1);
  return cursor.current;
}

function nextDir(cursor: LogCursor, side: 0 | 1): Direction {
  const { packed } = cursor.log.sides[side];
  let word = packed[cursor.run[side]]!;
  if (cursor.used[side] >= countOf(word)) {
    cursor.run[side] += 1;
    cursor.used[side] = 0;
    word = packed[cursor.run[side]]!;
  }
  cursor.used[side] += 1;
  return dirOf(word);
}

/** Re-simulates a match from its settings, seed and input log; returns the final state. */
export function replay(settings: GameSettings, seed: number, log: InputLog): MatchState {
  const state = createMatchState(settings, seed);
  const cursor = createLogCursor(log);
  const events: GameEvent[] = [];
  for (
    let inputs = nextInputs(cursor);
    inputs !== null && state.phase !== 'ended';
    inputs = nextInputs(cursor)
  ) {
    advance(state, inputs, events);
    events.length = 0;
  }
  return state;
}
