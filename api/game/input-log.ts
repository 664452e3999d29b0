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

/** A run: `count` consecutive ticks holding `dir`. */
export type InputRun = [dir: Direction, count: number];

export interface InputLog {
  ticks: number;
  /** Runs of the left (0) and right (1) player; each sums to `ticks`. */
  runs: [InputRun[], InputRun[]];
  /**
   * Each side's text form of its runs but the last (which may still grow),
   * extended as runs close: a live match is encoded for its checkpoint twice
   * a second, and encoding must not cost more the longer the match has gone on.
   */
  closed: [string, string];
}

/** An empty log to record into. */
export function createInputLog(): InputLog {
  return { ticks: 0, runs: [[], []], closed: ['', ''] };
}

/** Appends one tick; allocates only when a player changes direction. */
export function recordInputs(log: InputLog, inputs: TickInputs): void {
  log.ticks += 1;
  appendRun(log, 0, inputs[0]);
  appendRun(log, 1, inputs[1]);
}

function appendRun(log: InputLog, side: 0 | 1, dir: Direction): void {
  const runs = log.runs[side];
  const last = runs[runs.length - 1];
  if (last !== undefined && last[0] === dir) {
    last[1] += 1;
    return;
  }
  if (last !== undefined) log.closed[side] += runText(last);
  runs.push([dir, 1]);
}

const LETTERS = { '-1': 'u', '0': 'n', '1': 'd' } as const;
const DIRS: Record<string, Direction> = { u: -1, n: 0, d: 1 };

function runText([dir, count]: InputRun): string {
  return LETTERS[String(dir) as '-1' | '0' | '1'] + (count === 1 ? '' : String(count));
}

/** A side's last run as text ('' before the first tick): the one run that may still grow. */
export function openRunText(log: InputLog, side: 0 | 1): string {
  const last = log.runs[side].at(-1);
  return last === undefined ? '' : runText(last);
}

export function encodeInputLog(log: InputLog): string {
  return joinInputLog(log.ticks, log.closed, [openRunText(log, 0), openRunText(log, 1)]);
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

/**
 * The text of one side's closed runs after `from` (all of them without it) and
 * where they end. Built from the runs, not by slicing the closed text: that
 * text is a long chain of appends, and slicing it would copy it whole.
 */
export function closedRunsAfter(
  log: InputLog,
  side: 0 | 1,
  from?: RunMark,
): { text: string; end: RunMark } {
  const runs = log.runs[side];
  const closed = Math.max(0, runs.length - 1);
  if (from === undefined)
    return { text: log.closed[side], end: { runs: closed, length: log.closed[side].length } };
  let text = '';
  for (let i = from.runs; i < closed; i++) text += runText(runs[i]!);
  return { text, end: { runs: closed, length: from.length + text.length } };
}

const LOG_PATTERN = /^1:(0|[1-9]\d{0,8}):([udn0-9]*):([udn0-9]*)$/;

/** Parses the text form; throws AppError VALIDATION on anything malformed or inconsistent. */
export function decodeInputLog(text: string): InputLog {
  const match = LOG_PATTERN.exec(text);
  if (!match) throw new AppError('VALIDATION', 'Input log is malformed');
  const ticks = Number(match[1]);
  const runs: [InputRun[], InputRun[]] = [
    decodeRuns(match[2]!, ticks),
    decodeRuns(match[3]!, ticks),
  ];
  const closed = (side: 0 | 1) => runs[side].slice(0, -1).map(runText).join('');
  return { ticks, runs, closed: [closed(0), closed(1)] };
}

function decodeRuns(text: string, ticks: number): InputRun[] {
  const runs: InputRun[] = [];
  let total = 0;
  // Sticky regex created per call: its lastIndex is state and must not be shared.
  const pattern = /([udn])([1-9]\d{0,8})?/y;
  while (pattern.lastIndex < text.length) {
    const at = pattern.lastIndex;
    const m = pattern.exec(text);
    if (!m) throw new AppError('VALIDATION', 'Input log has a malformed run', { at });
    const dir = DIRS[m[1]!]!;
    const count = m[2] === undefined ? 1 : Number(m[2]);
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] === dir)
      throw new AppError('VALIDATION', 'Input log repeats a direction in consecutive runs');
    runs.push([dir, count]);
    total += count;
  }
  if (total !== ticks)
    throw new AppError('VALIDATION', 'Input log runs do not add up to its tick count', {
      ticks,
      total,
    });
  return runs;
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
  const runs = cursor.log.runs[side];
  let run = runs[cursor.run[side]]!;
  if (cursor.used[side] >= run[1]) {
    cursor.run[side] += 1;
    cursor.used[side] = 0;
    run = runs[cursor.run[side]]!;
  }
  cursor.used[side] += 1;
  return run[0];
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
