/**
 * The match runner: every match of this process (from invite to end) and
 * every replay stream, driven by ONE drift-correcting 60 Hz loop (ticker.ts).
 * Each loop tick applies the held keys, steps the engines, and sends state to
 * players (every tick by default) and spectators (30 Hz by default, in groups
 * that take turns: spectators.ts) through the transport. Nothing here waits
 * on I/O: lifecycle changes and ends are handed to hooks, and the end's
 * database transaction runs after the match has left the loop; `game.end`
 * goes out when it has committed, or says it is not stored yet (the hook
 * holds it and retries).
 */
import type { GameView } from '../contract/game.ts';
import { TICK_RATE } from '../contract/game.ts';
import { AppError } from '../contract/errors.ts';
import { everyone, sendMessage, sendState, sendTick, type TickTurn } from './broadcast.ts';
import { resultOf, storeAndAnnounce } from './match-end.ts';
import {
  checkpointOf,
  restoreMatch,
  type CheckpointWrite,
  type PeerRef,
  type StoredCheckpoint,
  type StoredMarks,
} from './checkpoint.ts';
import {
  createLiveMatch,
  inspectMatch,
  seatOfUser,
  viewOf,
  type EndDecision,
  type LiveMatch,
  type MatchInspection,
  type MatchSpec,
  type Peer,
} from './live-match.ts';
import type { InputMessage, RunnerOptions } from './runner-types.ts';
import { tickMatch } from './match-tick.ts';
import {
  createReplaySession,
  tickReplay,
  type ReplaySession,
  type ReplaySource,
} from './replay-session.ts';
import { spectatorPhases } from './spectators.ts';
import { createTicker, sendsOnTick, type Ticker } from './ticker.ts';

export type {
  InputMessage,
  MatchResult,
  RunnerConfig,
  RunnerHooks,
  RunnerOptions,
} from './runner-types.ts';

const notHere = () => new AppError('NOT_FOUND', 'No live match with this id on this server');

export class Runner {
  readonly #options: RunnerOptions;
  readonly #matches = new Map<string, LiveMatch>();
  /** Users in a match past its invite (one at a time). */
  readonly #byUser = new Map<string, LiveMatch>();
  /** Spectator peer id → match. */
  readonly #watching = new Map<string, LiveMatch>();
  readonly #replays = new Map<string, ReplaySession>();
  readonly #ticker: Ticker;
  readonly #ending = new Set<Promise<void>>();
  /** Spectator groups per match that take turns (spectators.ts). */
  readonly #spectatorPhases: number;
  /** False while this process may not step its matches (its lease lapsed, or it is handing them over). */
  #stepping = true;

  constructor(options: RunnerOptions) {
    this.#options = options;
    this.#spectatorPhases = spectatorPhases(options.config.spectatorRateHz, TICK_RATE);
    this.#ticker = createTicker({
      periodMs: 1000 / TICK_RATE,
      scheduler: options.scheduler,
      onTick: ({ n, lateMs }) => this.#onTick(n, lateMs),
      onSkip: (count) =>
        options.logger.warn(
          { 'game.skipped_ticks': count },
          'match loop fell behind and skipped ticks',
        ),
    });
  }

  get size(): number {
    return this.#matches.size;
  }

  get(matchId: string): LiveMatch | undefined {
    return this.#matches.get(matchId);
  }

  /** The match a user plays (past its invite), if any. */
  matchOf(userId: string): LiveMatch | undefined {
    return this.#byUser.get(userId);
  }

  /** Starts holding a match: a pending invite, or ready for both players to join. */
  add(spec: MatchSpec): void {
    if (this.#matches.has(spec.id)) throw new AppError('CONFLICT', 'The match is already running');
    const now = this.#options.scheduler.now();
    const { inviteTtlMs, readyTimeoutMs } = this.#options.config;
    const deadline =
      spec.state === 'pending' ? now + inviteTtlMs : spec.holdReady ? null : now + readyTimeoutMs;
    const match = createLiveMatch(spec, 0, this.#spectatorPhases);
    match.deadline = deadline;
    if (spec.state === 'ready') this.#claimUsers(match);
    this.#matches.set(spec.id, match);
    this.#ensureRunning();
  }

  /**
   * Goes on with a match from another process's checkpoint: players and
   * spectators hear `resumed`, and play restarts after the usual countdown.
   */
  adopt(
    stored: StoredCheckpoint,
    peerOf: (ref: PeerRef) => Peer | null,
    reason: 'takeover' | 'handover',
  ): LiveMatch {
    if (this.#matches.has(stored.checkpoint.spec.id))
      throw new AppError('CONFLICT', 'The match is already running');
    const now = this.#options.scheduler.now();
    const match = restoreMatch(stored, {
      now,
      timing: this.#options.config,
      spectatorPhases: this.#spectatorPhases,
      peerOf,
    });
    if (match.state !== 'pending') this.#claimUsers(match);
    this.#matches.set(match.spec.id, match);
    for (const peer of match.spectators) this.#watching.set(peer.id, match);
    const { transport } = this.#options;
    sendMessage(transport, everyone(match), {
      type: 'game.event',
      matchId: match.spec.id,
      event: { type: 'resumed', tick: match.engine.tick, reason },
    });
    sendState(transport, match, now, { players: true, spectators: match.spectators });
    transport.flush?.();
    this.#ensureRunning();
    return match;
  }

  /** The match as data, for another process to go on with; `stored` as in checkpointOf. */
  checkpoint(
    matchId: string,
    refOf: (peer: Peer) => PeerRef,
    stored?: StoredMarks,
  ): CheckpointWrite | undefined {
    const match = this.#matches.get(matchId);
    return match && checkpointOf(match, this.#options.scheduler.now(), refOf, stored);
  }

  /** Lets go of a match without ending it: another process goes on with it. */
  release(matchId: string): boolean {
    const match = this.#matches.get(matchId);
    if (!match) return false;
    this.#forget(match);
    return true;
  }

  /** Stops (false) or restarts (true) stepping every match; sockets and state stay as they are. */
  set stepping(on: boolean) {
    this.#stepping = on;
  }

  get stepping(): boolean {
    return this.#stepping;
  }

  /** The invited player accepted: pending → ready. */
  accept(matchId: string): void {
    const match = this.#matches.get(matchId);
    if (!match || match.state !== 'pending')
      throw new AppError('CONFLICT', 'The invite is no longer open');
    this.#claimUsers(match);
    match.state = 'ready';
    match.deadline = this.#options.scheduler.now() + this.#options.config.readyTimeoutMs;
    this.#options.hooks.onState(match.spec, 'ready');
  }

  /** A player's socket joins (or rejoins) its match; returns the current view. */
  join(peer: Peer, matchId: string): GameView {
    const match = this.#matches.get(matchId);
    if (!match) throw notHere();
    const seat = seatOfUser(match, peer.userId);
    if (!seat) throw new AppError('FORBIDDEN', 'You do not play in this match');
    if (match.state === 'pending')
      throw new AppError('CONFLICT', 'The invite has not been accepted yet');
    if (seat.peer !== peer) {
      // A new socket restarts its input sequence.
      seat.peer = peer;
      seat.seq = -1;
      seat.appliedSeq = 0;
      seat.dir = 0;
    }
    this.#unwatch(peer);
    const view = viewOf(match, this.#options.scheduler.now());
    view.lastSeq = seat.appliedSeq;
    return view;
  }

  ready(peer: Peer, matchId: string): void {
    const { match, seat } = this.#playerSeat(peer, matchId);
    if (match.state !== 'ready')
      throw new AppError('CONFLICT', `The match is ${match.state}, not waiting for players`);
    seat.ready = true;
  }

  /** A key change. Stale sequence numbers are ignored (false); the last input before a tick counts. */
  input(peer: Peer, message: InputMessage): boolean {
    const { match, seat } = this.#playerSeat(peer, message.matchId);
    if (match.state !== 'playing' && match.state !== 'countdown')
      throw new AppError('CONFLICT', 'The match is not running');
    if (message.seq <= seat.seq) return false;
    if (seat.inputs >= this.#options.config.maxInputsPerTick)
      throw new AppError('RATE_LIMITED', 'Too many inputs in one tick');
    seat.inputs += 1;
    seat.seq = message.seq;
    seat.dir = message.dir;
    return true;
  }

  /** Leaving before play cancels the match; during play it forfeits. */
  leave(peer: Peer, matchId: string): Promise<void> {
    const match = this.#matches.get(matchId);
    if (!match) throw notHere();
    const seat = seatOfUser(match, peer.userId);
    if (!seat) throw new AppError('FORBIDDEN', 'You do not play in this match');
    if (match.state !== 'playing')
      return this.end(matchId, { outcome: 'aborted', reason: 'left', winnerSide: null });
    return this.end(matchId, {
      outcome: 'forfeited',
      reason: 'left',
      winnerSide: seat === match.seats[0] ? 1 : 0,
    });
  }

  /** Ends a match from outside the loop (decline, admin abort, leave); resolves when its result is stored. */
  end(matchId: string, decision: EndDecision): Promise<void> {
    const match = this.#matches.get(matchId);
    if (!match) throw notHere();
    match.ending = decision;
    return this.#finish(match);
  }

  /** Starts watching a public match (one at a time per socket); returns the current view. */
  spectate(peer: Peer, matchId: string): GameView {
    const match = this.#matches.get(matchId);
    // A private match is answered as no match at all: a stranger learns nothing about it.
    if (!match || match.state === 'pending' || match.spec.visibility === 'private') throw notHere();
    this.#unwatch(peer);
    this.stopReplay(peer);
    match.spectators.add(peer);
    this.#watching.set(peer.id, match);
    return viewOf(match, this.#options.scheduler.now());
  }

  stopSpectating(peer: Peer): boolean {
    return this.#unwatch(peer);
  }

  startReplay(peer: Peer, source: ReplaySource, speed: number): void {
    this.#unwatch(peer);
    this.#replays.set(peer.id, createReplaySession(peer, source, speed));
    this.#ensureRunning();
  }

  stopReplay(peer: Peer): boolean {
    return this.#replays.delete(peer.id);
  }

  /** A socket closed: its seat is vacated (the match pauses), it stops watching and replaying. */
  detach(peer: Peer): void {
    this.#unwatch(peer);
    this.#replays.delete(peer.id);
    const match = this.#byUser.get(peer.userId);
    const seat = match && seatOfUser(match, peer.userId);
    if (seat && seat.peer === peer) {
      seat.peer = null;
      if (match.state === 'ready') seat.ready = false;
    }
  }

  /** Admin view of a running match. */
  inspect(matchId: string): MatchInspection {
    const match = this.#matches.get(matchId);
    if (!match) throw notHere();
    return inspectMatch(match, this.#options.scheduler.now());
  }

  /** Live matches, for listings that must not wait for the database. */
  matches(): IterableIterator<LiveMatch> {
    return this.#matches.values();
  }

  /** Aborts every match (shutdown) and waits for their results to be stored. */
  async close(reason = 'server_shutdown'): Promise<void> {
    for (const match of [...this.#matches.values()]) {
      match.ending = { outcome: 'aborted', reason, winnerSide: null };
      void this.#finish(match);
    }
    this.#replays.clear();
    this.#ticker.stop();
    await Promise.all([...this.#ending]);
  }

  #playerSeat(peer: Peer, matchId: string) {
    const match = this.#matches.get(matchId);
    if (!match) throw notHere();
    const seat = seatOfUser(match, peer.userId);
    if (!seat) throw new AppError('FORBIDDEN', 'You do not play in this match');
    if (seat.peer !== peer)
      throw new AppError('CONFLICT', 'Join the match (game.join) from this connection first');
    return { match, seat };
  }

  #claimUsers(match: LiveMatch): void {
    for (const seat of match.seats) {
      if (seat.userId === null) continue;
      const other = this.#byUser.get(seat.userId);
      if (other && other !== match)
        throw new AppError('CONFLICT', `${seat.username} is already in a match`);
    }
    for (const seat of match.seats) if (seat.userId !== null) this.#byUser.set(seat.userId, match);
  }

  #unwatch(peer: Peer): boolean {
    const match = this.#watching.get(peer.id);
    if (!match) return false;
    match.spectators.delete(peer);
    this.#watching.delete(peer.id);
    return true;
  }

  #ensureRunning(): void {
    if (!this.#ticker.running) this.#ticker.start();
  }

  #onTick(n: number, lateMs: number): void {
    if (!this.#stepping) return;
    const { scheduler, config, transport, metrics } = this.#options;
    const started = scheduler.now();
    const toPlayers = sendsOnTick(n, config.stateRateHz, TICK_RATE);
    const toSpectators = sendsOnTick(n, config.spectatorRateHz, TICK_RATE);
    let active = 0;
    let spectators = 0;
    const turn: TickTurn = { n, now: started, toPlayers, toSpectators };
    for (const match of this.#matches.values()) {
      this.#tickOne(match, turn);
      if (match.state !== 'pending') active++;
      spectators += match.spectators.size;
    }
    for (const [id, session] of this.#replays) {
      if (tickReplay(session, transport, toSpectators)) this.#replays.delete(id);
    }
    transport.flush?.();
    metrics?.gauges(active, spectators);
    metrics?.tick((scheduler.now() - started) / 1000, lateMs / 1000);
    if (this.#matches.size === 0 && this.#replays.size === 0) this.#ticker.stop();
  }

  #tickOne(match: LiveMatch, turn: TickTurn): void {
    const { transport, hooks, config } = this.#options;
    for (const seat of match.seats) seat.inputs = 0;
    const result = tickMatch(match, turn.now, config);
    if (result === 'countdown' || result === 'playing') hooks.onState(match.spec, match.state);
    sendTick(transport, match, result, turn);
    if (result === 'end') void this.#finish(match);
  }

  /** Takes the match out of the loop at once; stores the result and sends game.end afterwards. */
  #finish(match: LiveMatch): Promise<void> {
    const decision = match.ending!;
    const { spec } = match;
    if (this.#matches.get(spec.id) !== match) return Promise.resolve();
    const peers = everyone(match);
    this.#forget(match);
    this.#options.metrics?.finished(spec, decision, match.started);
    const done = storeAndAnnounce(this.#options, match, resultOf(match), peers);
    this.#ending.add(done);
    void done.finally(() => this.#ending.delete(done));
    return done;
  }

  #forget(match: LiveMatch): void {
    this.#matches.delete(match.spec.id);
    for (const seat of match.seats)
      if (seat.userId !== null && this.#byUser.get(seat.userId) === match)
        this.#byUser.delete(seat.userId);
    for (const peer of match.spectators) this.#watching.delete(peer.id);
  }
}
