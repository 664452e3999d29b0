/**
 * Getting a match onto sockets: each tick's state is serialised ONCE, then
 * framed once per audience (the players' copies share one encoding of the
 * JSON text and differ only in their lastSeq; spectators share one frame). Spectator frames are droppable
 * (a newer one supersedes them when a socket's buffer is full); events and the
 * end are not. The transport frames and writes; the gateway's prepared frames
 * in production, a recorder in tests.
 */
import { TICK_RATE } from '../contract/game.ts';
import { openStateTextOf, type LiveMatch, type Outcome, type Peer } from './live-match.ts';
import type { TickResult } from './match-tick.ts';
import type { MatchResult } from './runner-types.ts';

export interface GameTransport {
  /**
   * Frames serialised JSON once; the result is written to any number of peers.
   * `ascii`: the caller knows the text is ASCII (no need to look).
   */
  prepare(json: string, type: string, droppable: boolean, ascii?: boolean): unknown;
  /** Frames `head + tail` for each (ASCII) tail, not droppable, encoding `head` once. */
  prepareEach(head: string, tails: readonly string[], type: string, ascii?: boolean): unknown[];
  write(peers: Iterable<Peer>, frame: unknown): void;
  /** Called once at the end of every loop tick (to record batched metrics). */
  flush?(): void;
}

export interface Audience {
  players: boolean;
  /** The spectators to send to: all of them, this tick's group, or none. */
  spectators: (Iterable<Peer> & { readonly size: number }) | null;
}

/** Sends the match's state at `now`: to each joined player with its lastSeq, and to the spectators. */
export function sendState(
  transport: GameTransport,
  match: LiveMatch,
  now: number,
  audience: Audience,
): void {
  const state = `{"type":"game.state","state":${openStateTextOf(match, now)}`;
  const { ascii } = match.text;
  if (audience.players) {
    // Each player's copy differs only in its lastSeq, the message's last key.
    const peers: Peer[] = [];
    const tails: string[] = [];
    for (const seat of match.seats) {
      if (seat.peer === null) continue;
      peers.push(seat.peer);
      tails.push(`${seat.appliedSeq}}}`);
    }
    if (peers.length > 0) {
      const frames = transport.prepareEach(`${state},"lastSeq":`, tails, 'game.state', ascii);
      peers.forEach((peer, i) => transport.write([peer], frames[i]));
    }
  }
  if (audience.spectators && audience.spectators.size > 0)
    transport.write(
      audience.spectators,
      transport.prepare(`${state}}}`, 'game.state', true, ascii),
    );
}

/** Which loop tick this is, and which audiences it sends to. */
export interface TickTurn {
  n: number;
  now: number;
  toPlayers: boolean;
  toSpectators: boolean;
}

/**
 * What one loop tick of a match shows, given what the tick did: a stepped
 * match its events and state (spectators by turns of their groups), an ended
 * one everything to everyone; waiting rooms once a second, the countdown and
 * pauses at the spectator rate, and any change of state at once.
 */
export function sendTick(
  transport: GameTransport,
  match: LiveMatch,
  result: TickResult,
  turn: TickTurn,
): void {
  if (result === 'stepped') {
    sendEvents(transport, match);
    const { spectators } = match;
    const watching = spectators.staggered
      ? spectators.due(turn.n)
      : turn.toSpectators
        ? spectators
        : null;
    if (turn.toPlayers || watching)
      sendState(transport, match, turn.now, { players: turn.toPlayers, spectators: watching });
    return;
  }
  if (result === 'end') sendEvents(transport, match);
  const waiting = match.state === 'pending' || match.state === 'ready';
  const due = waiting ? turn.n % TICK_RATE === 0 : turn.toSpectators;
  if (result !== 'idle' || due)
    sendState(transport, match, turn.now, { players: true, spectators: match.spectators });
}

/** Everyone watching or playing: joined players, then spectators. */
export function everyone(match: LiveMatch): Peer[] {
  const peers: Peer[] = [];
  for (const seat of match.seats) if (seat.peer !== null) peers.push(seat.peer);
  for (const peer of match.spectators) peers.push(peer);
  return peers;
}

/** This tick's engine events, each framed once for players and spectators. */
export function sendEvents(transport: GameTransport, match: LiveMatch): void {
  if (match.events.length === 0) return;
  const peers = everyone(match);
  if (peers.length === 0) return;
  const id = JSON.stringify(match.spec.id);
  for (const event of match.events) {
    transport.write(
      peers,
      transport.prepare(
        `{"type":"game.event","matchId":${id},"event":${JSON.stringify(event)}}`,
        'game.event',
        false,
      ),
    );
  }
}

/** One message (not a state) to some peers. */
export function sendMessage(
  transport: GameTransport,
  peers: Iterable<Peer>,
  message: { type: string; [field: string]: unknown },
): void {
  transport.write(peers, transport.prepare(JSON.stringify(message), message.type, false));
}

/** `game.end`, saying whether the result is stored yet: each player with its own rating change, spectators without. */
export function sendEnd(
  transport: GameTransport,
  match: LiveMatch,
  end: {
    result: MatchResult;
    changes: [number | null, number | null];
    stored: boolean;
    peers: Peer[];
  },
): void {
  const { outcome, reason, winnerSide } = end.result.decision;
  const base = {
    type: 'game.end',
    matchId: match.spec.id,
    outcome: outcome as Outcome,
    reason,
    winner: winnerSide === null ? null : match.seats[winnerSide].username,
    score: end.result.score,
    stored: end.stored,
  };
  match.seats.forEach((seat, side) => {
    if (seat.peer === null) return;
    const change = end.changes[side];
    sendMessage(
      transport,
      [seat.peer],
      change === null || change === undefined ? base : { ...base, ratingChange: change },
    );
  });
  const seatPeers = new Set(match.seats.map((s) => s.peer));
  sendMessage(
    transport,
    end.peers.filter((p) => !seatPeers.has(p)),
    base,
  );
}
