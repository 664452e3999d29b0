/**
 * A live match as data, and back. The engine is deterministic, so a match is
 * fully described by its spec (settings, seed, seats), its input log and its
 * lifecycle: another instance re-simulates the log (microseconds per tick) and
 * goes on from there. Peers are kept as references (socket id, user, the
 * instance holding the socket); the restoring side turns each back into a
 * socket of its own or a remote peer, or null when that instance is gone.
 * Deadlines travel as time remaining: monotonic clocks differ per process.
 */
import { botInput } from './bot.ts';
import { advance } from './engine.ts';
import {
  createLogCursor,
  decodeInputLog,
  encodeInputLog,
  nextInputs,
  recordInputs,
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
  v: 1;
  spec: MatchSpec;
  state: LiveState;
  paused: boolean;
  started: boolean;
  /** Time left before the state's deadline, or null. */
  deadlineInMs: number | null;
  inputLog: string;
  seats: [SeatCheckpoint, SeatCheckpoint];
  spectators: PeerRef[];
}

export function checkpointOf(
  match: LiveMatch,
  now: number,
  refOf: (peer: Peer) => PeerRef,
): MatchCheckpoint {
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
  return {
    v: 1,
    spec: match.spec,
    state: match.state,
    paused: match.paused,
    started: match.started,
    deadlineInMs: match.deadline === null ? null : Math.max(0, Math.round(match.deadline - now)),
    inputLog: encodeInputLog(match.log),
    seats: [seat(0), seat(1)],
    spectators: [...match.spectators].map(refOf),
  };
}

/**
 * Rebuilds the match from a checkpoint: the engine, input log, statistics and
 * bots by re-simulating every logged tick, then the seats and lifecycle. A
 * match that was playing resumes after the usual countdown; a paused one keeps
 * what was left of its grace period.
 */
export function restoreMatch(
  checkpoint: MatchCheckpoint,
  options: {
    now: number;
    timing: Timing;
    spectatorPhases: number;
    peerOf: (ref: PeerRef) => Peer | null;
  },
): LiveMatch {
  const { now, timing } = options;
  const match = createLiveMatch(checkpoint.spec, now, options.spectatorPhases);
  const cursor = createLogCursor(decodeInputLog(checkpoint.inputLog));
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
  for (const ref of checkpoint.spectators) {
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

/** Ticks a checkpoint's log holds (for logs and metrics). */
export function checkpointTicks(checkpoint: MatchCheckpoint): number {
  return Number(checkpoint.inputLog.split(':')[1] ?? 0);
}
