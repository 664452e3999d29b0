/**
 * One tick of one match's lifecycle, pure apart from mutating the match:
 * deadlines (invite expiry, ready timeout, countdown, grace period), pausing
 * when a player is away and resuming with a short countdown when they are
 * back, and stepping the engine with the keys held (bots decide theirs here).
 * The runner calls it for every match on every loop tick and does the I/O.
 */
import { advance } from './engine.ts';
import { botInput } from './bot.ts';
import { recordInputs } from './input-log.ts';
import {
  absentSeats,
  isAbsent,
  type EndDecision,
  type LiveMatch,
  type Seat,
} from './live-match.ts';
import { recordEvents } from './match-stats.ts';

export interface Timing {
  countdownMs: number;
  graceMs: number;
  readyTimeoutMs: number;
}

/**
 * What happened: `idle` nothing to send beyond the usual, `stepped` the
 * engine advanced (send state and events), `countdown`/`playing` the match
 * entered that state, `paused` a player went away, `resumed` everyone is back
 * (a short countdown runs before play), `end` the match must leave
 * the loop (`match.ending` says how).
 */
export type TickResult =
  'idle' | 'stepped' | 'countdown' | 'playing' | 'paused' | 'resumed' | 'end';

function end(match: LiveMatch, decision: EndDecision): TickResult {
  match.ending = decision;
  return 'end';
}

const present = (s: Seat): boolean => s.bot !== null || (s.peer !== null && s.ready);
const noSeats: readonly Seat[] = [];

export function tickMatch(match: LiveMatch, now: number, timing: Timing): TickResult {
  switch (match.state) {
    case 'pending':
      return match.deadline !== null && now >= match.deadline
        ? end(match, { outcome: 'aborted', reason: 'invite_expired', winnerSide: null })
        : 'idle';
    case 'ready':
      return tickReady(match, now, timing);
    case 'countdown':
      return tickCountdown(match, now, timing);
    case 'playing':
      return tickPlaying(match, now, timing);
  }
}

function tickReady(match: LiveMatch, now: number, timing: Timing): TickResult {
  const [a, b] = match.seats;
  if (present(a) && present(b)) {
    match.state = 'countdown';
    match.deadline = now + timing.countdownMs;
    return 'countdown';
  }
  if (match.deadline === null || now < match.deadline) return 'idle';
  // Nobody showed up: no result. One did: the no-show forfeits.
  if (!present(a) && !present(b))
    return end(match, { outcome: 'aborted', reason: 'not_ready', winnerSide: null });
  return end(match, { outcome: 'forfeited', reason: 'no_show', winnerSide: present(a) ? 0 : 1 });
}

function tickCountdown(match: LiveMatch, now: number, timing: Timing): TickResult {
  const away = absentSeats(match);
  if (away.length > 0) {
    // Back to waiting: the one who left must join and be ready again within the grace period.
    for (const seat of away) seat.ready = false;
    match.state = 'ready';
    match.deadline = now + timing.graceMs;
    return 'paused';
  }
  if (match.deadline !== null && now < match.deadline) return 'idle';
  match.state = 'playing';
  match.deadline = null;
  match.started = true;
  return 'playing';
}

function tickPlaying(match: LiveMatch, now: number, timing: Timing): TickResult {
  // Both players here, the common case, allocates nothing: this runs for every match on every tick.
  const away = match.seats.some(isAbsent) ? absentSeats(match) : noSeats;
  if (match.paused) {
    if (away.length === 0) {
      match.paused = false;
      match.deadline = now + timing.countdownMs;
      return 'resumed';
    }
    if (match.deadline === null || now < match.deadline) return 'idle';
    if (away.length === 2)
      return end(match, { outcome: 'aborted', reason: 'abandoned', winnerSide: null });
    return end(match, {
      outcome: 'forfeited',
      reason: 'disconnect',
      winnerSide: away[0] === match.seats[0] ? 1 : 0,
    });
  }
  if (away.length > 0) {
    match.paused = true;
    match.deadline = now + timing.graceMs;
    return 'paused';
  }
  if (match.deadline !== null) {
    if (now < match.deadline) return 'idle';
    match.deadline = null;
  }
  stepEngine(match);
  const engine = match.engine;
  if (engine.phase === 'ended')
    return end(match, {
      outcome: 'finished',
      reason: engine.endReason ?? 'points',
      winnerSide: engine.winner,
    });
  return 'stepped';
}

/** Applies the held keys (bots choose theirs) and advances the engine by one tick. */
function stepEngine(match: LiveMatch): void {
  const { engine, inputs, events } = match;
  events.length = 0;
  for (let side = 0; side < 2; side++) {
    const seat = match.seats[side]!;
    if (seat.bot !== null) {
      inputs[side] = botInput(seat.bot, engine.tick, () => engine);
    } else {
      inputs[side] = seat.dir;
      seat.appliedSeq = seat.seq < 0 ? 0 : seat.seq;
    }
  }
  advance(engine, inputs, events);
  recordInputs(match.log, inputs);
  recordEvents(match.stats, events);
}
