/**
 * A live match as data, and back. The engine is deterministic, so a match is
 * fully described by its spec (settings, seed, seats), its input log and its
 * lifecycle: another instance re-simulates the log (microseconds per tick) and
 * goes on from there. The log's closed runs only ever grow, so they travel
 * apart from the rest: a checkpoint writes them from where its store's copy
 * ends, and costs what changed since the last one, not the match's length.
 * The spectators travel apart too, and only when someone came or went: a
 * crowd of 2,000 is 167 KB of JSON and 0.8 ms to encode, which every
 * checkpoint (twice a second) paid while nobody moved. Peers are kept as references (socket id, user, the
 * instance holding the socket); the restoring side turns each back into a
 * socket of its own or a remote peer, or null when that instance is gone.
 * Deadlines travel as time remaining: monotonic clocks differ per process.
 */
import { botInput } from './bot.ts';
import { advance } from './engine.ts';
import {
  closedRunsAfter,
  createLogCursor,
  decodeInputLog,
  joinInputLog,
  nextInputs,
  openRunText,
  recordInputs,
  type RunMark,
} from './input-log.ts';
import {
  createLiveMatch,
  type LiveMatch,
  type LiveState,
  type MatchSpec,
  type Peer,
} from './live-match.ts';
import { recordEvents } from './match-stats.ts';
import type { Timing } from './match-tick.ts';
import type { Direction } from '../contract/game.ts';

/** A socket somewhere in the deployment. */
export interface PeerRef {
  id: string;
  userId: string;
  instance: string;
}

export interface SeatCheckpoint {
  peer: PeerRef | null;
  ready: boolean;
  dir: Direction;
  seq: number;
  appliedSeq: number;
}

export interface MatchCheckpoint {
  v: 3;
  spec: MatchSpec;
  state: LiveState;
  paused: boolean;
  started: boolean;
  /** Time left before the state's deadline, or null. */
  deadlineInMs: number | null;
  /** The input log but its closed runs: their text is stored apart (ClosedRunsPart), this long per side. */
  log: { ticks: number; open: [string, string]; closedLength: [number, number] };
  seats: [SeatCheckpoint, SeatCheckpoint];
}

/** One side's closed runs as a checkpoint writes them: `text` goes at offset `at` of its store's copy (0: the whole text). */
export interface ClosedRunsPart {
  at: number;
  text: string;
  /** Where the store's copy ends once this is written: the next checkpoint goes on from here. */
  end: RunMark;
}

/** The spectators as a checkpoint writes them, whole, with the version of the list they are. */
export interface SpectatorsPart {
  version: number;
  /** JSON of PeerRef[]. */
  text: string;
}

export interface CheckpointWrite {
  checkpoint: MatchCheckpoint;
  closed: [ClosedRunsPart, ClosedRunsPart];
  /** Null: the store's list is this version already. */
  spectators: SpectatorsPart | null;
}

/** How far the store's copy of a match goes: each side's closed runs, and the spectators' version. */
export interface StoredMarks {
  runs: readonly [RunMark, RunMark];
  spectators: number;
}

/** Where the store's copy goes once `write` is in it (`before`: where it went before). */
export function marksAfter(write: CheckpointWrite, before?: StoredMarks): StoredMarks {
  return {
    runs: [write.closed[0].end, write.closed[1].end],
    spectators: write.spectators?.version ?? before?.spectators ?? -1,
  };
}

/**
 * The match as data. `stored` says how far the store's copy goes (only the
 * runs that follow are written, and the spectators if their list changed);
 * without it everything is written whole.
 */
export function checkpointOf(
  match: LiveMatch,
  now: number,
  refOf: (peer: Peer) => PeerRef,
  stored?: StoredMarks,
): CheckpointWrite {
  const seat = (i: 0 | 1): SeatCheckpoint => {
    const s = match.seats[i];
    return {
      peer: s.peer === null ? null : refOf(s.peer),
      ready: s.ready,
      dir: s.dir,
      seq: s.seq,
      appliedSeq: s.appliedSeq,
    };
  };
  const part = (side: 0 | 1): ClosedRunsPart => {
    const from = stored?.runs[side];
    const { text, end } = closedRunsAfter(match.log, side, from);
    return { at: from?.length ?? 0, text, end };
  };
  const closed: [ClosedRunsPart, ClosedRunsPart] = [part(0), part(1)];
  const checkpoint: MatchCheckpoint = {
    v: 3,
    spec: match.spec,
    state: match.state,
    paused: match.paused,
    started: match.started,
    deadlineInMs: match.deadline === null ? null : Math.max(0, Math.round(match.deadline - now)),
    log: {
      ticks: match.log.ticks,
      open: [openRunText(match.log, 0), openRunText(match.log, 1)],
      closedLength: [closed[0].end.length, closed[1].end.length],
    },
    seats: [seat(0), seat(1)],
  };
  const { version } = match.spectators;
  const spectators =
    stored?.spectators === version
      ? null
      : { version, text: JSON.stringify([...match.spectators].map(refOf)) };
  return { checkpoint, closed, spectators };
}

/** A checkpoint as read back: its closed runs' text is at least as long as the checkpoint says. */
export interface StoredCheckpoint {
  checkpoint: MatchCheckpoint;
  closedText: [string, string];
  spectators: PeerRef[];
}

/**
 * Earlier formats, which an instance of an older version may still hand a
 * match over in: v2 kept the spectators inline, v1 the whole log too.
 */
interface CheckpointV2 extends Omit<MatchCheckpoint, 'v'> {
  v: 2;
  spectators: PeerRef[];
}
interface CheckpointV1 extends Omit<CheckpointV2, 'v' | 'log'> {
  v: 1;
  inputLog: string;
}

/** A checkpoint's stored texts, any version, as the current one; `spectatorsText` is null when none is stored. */
export function parseCheckpoint(
  head: string,
  closedText: [string, string],
  spectatorsText: string | null,
): StoredCheckpoint {
  const parsed = JSON.parse(head) as MatchCheckpoint | CheckpointV2 | CheckpointV1;
  if (parsed.v === 3) {
    const spectators = spectatorsText === null ? [] : (JSON.parse(spectatorsText) as PeerRef[]);
    return { checkpoint: parsed, closedText, spectators };
  }
  if (parsed.v === 2) {
    const { spectators, ...rest } = parsed;
    return { checkpoint: { ...rest, v: 3 }, closedText, spectators };
  }
  const { inputLog, spectators, ...rest } = parsed;
  const log = decodeInputLog(inputLog);
  const inline: [string, string] = [closedRunsAfter(log, 0).text, closedRunsAfter(log, 1).text];
  return {
    checkpoint: {
      ...rest,
      v: 3,
      log: {
        ticks: log.ticks,
        open: [openRunText(log, 0), openRunText(log, 1)],
        closedLength: [inline[0].length, inline[1].length],
      },
    },
    closedText: inline,
    spectators,
  };
}

/**
 * Rebuilds the match from a checkpoint: the engine, input log, statistics and
 * bots by re-simulating every logged tick, then the seats and lifecycle. A
 * match that was playing resumes after the usual countdown; a paused one keeps
 * what was left of its grace period.
 */
export function restoreMatch(
  { checkpoint, closedText, spectators }: StoredCheckpoint,
  options: {
    now: number;
    timing: Timing;
    spectatorPhases: number;
    peerOf: (ref: PeerRef) => Peer | null;
  },
): LiveMatch {
  const { now, timing } = options;
  const match = createLiveMatch(checkpoint.spec, now, options.spectatorPhases);
  const { ticks, open, closedLength } = checkpoint.log;
  // A store's copy may run past what this checkpoint covers (a later write's runs): cut it there.
  const closed: [string, string] = [
    closedText[0].slice(0, closedLength[0]),
    closedText[1].slice(0, closedLength[1]),
  ];
  const cursor = createLogCursor(decodeInputLog(joinInputLog(ticks, closed, open)));
  const { engine, events, seats } = match;
  for (let inputs = nextInputs(cursor); inputs !== null; inputs = nextInputs(cursor)) {
    events.length = 0;
    // Bots decide from what they see; asking them again keeps their memory as it was.
    for (const seat of seats) if (seat.bot !== null) botInput(seat.bot, engine.tick, () => engine);
    advance(engine, inputs, events);
    recordInputs(match.log, inputs);
    recordEvents(match.stats, events);
  }
  events.length = 0;
  checkpoint.seats.forEach((saved, i) => {
    const seat = seats[i as 0 | 1];
    if (seat.bot !== null) return;
    seat.peer = saved.peer === null ? null : options.peerOf(saved.peer);
    seat.ready = saved.ready && seat.peer !== null;
    seat.dir = saved.dir;
    seat.seq = saved.seq;
    seat.appliedSeq = saved.appliedSeq;
  });
  for (const ref of spectators) {
    const peer = options.peerOf(ref);
    if (peer) match.spectators.add(peer);
  }
  match.state = checkpoint.state;
  match.started = checkpoint.started;
  match.paused = checkpoint.paused;
  const left = checkpoint.deadlineInMs;
  if (checkpoint.state === 'countdown' || (checkpoint.state === 'playing' && !checkpoint.paused))
    match.deadline = now + timing.countdownMs;
  else match.deadline = left === null ? null : now + left;
  return match;
}
