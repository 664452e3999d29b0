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
  /**
   * Several prepared frames as one, written to a socket in one write (still
   * separate messages on the wire); droppable only if all of them are.
   */
  combine(frames: readonly unknown[]): unknown;
  write(peers: Iterable<Peer>, frame: unknown): void;
  /** Called once at the end of every loop tick (to record batched metrics). */
  flush?(): void;
}

export interface Audience {
  players: boolean;
  /** The spectators to send to: all of them, this tick's group, or none. */
  spectators: (Iterable<Peer> & { readonly size: number }) | null;
  /** Prepared frames the spectators get in the same write, before the state (their events). */
  spectatorsFirst?: readonly unknown[];
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
  if (audience.spectators && audience.spectators.size > 0) {
    const frame = transport.prepare(`${state}}}`, 'game.state', true, ascii);
    const first = audience.spectatorsFirst ?? [];
    transport.write(
      audience.spectators,
      first.length === 0 ? frame : transport.combine([...first, frame]),
    );
  }
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
    const { spectators } = match;
    if (spectators.staggered) {
      const due = spectators.due(turn.n);
      const owed = eventsByTurns(transport, match, due);
      sendState(transport, match, turn.now, {
        players: turn.toPlayers,
        spectators: due,
        spectatorsFirst: owed,
      });
      return;
    }
    sendEvents(transport, match);
    const watching = turn.toSpectators ? spectators : null;
    if (turn.toPlayers || watching)
      sendState(transport, match, turn.now, { players: turn.toPlayers, spectators: watching });
    return;
  }
  // Whatever goes to the whole crowd now comes after the events its groups were still owed.
  sendHeld(transport, match);
  if (result === 'end') sendEvents(transport, match);
  const waiting = match.state === 'pending' || match.state === 'ready';
  const due = waiting ? turn.n % TICK_RATE === 0 : turn.toSpectators;
  if (result !== 'idle' || due)
    sendState(transport, match, turn.now, { players: true, spectators: match.spectators });
}

/** The joined players' sockets. */
function playersOf(match: LiveMatch): Peer[] {
  const peers: Peer[] = [];
  for (const seat of match.seats) if (seat.peer !== null) peers.push(seat.peer);
  return peers;
}

/** Everyone watching or playing: joined players, then spectators. */
export function everyone(match: LiveMatch): Peer[] {
  const peers = playersOf(match);
  for (const peer of match.spectators) peers.push(peer);
  return peers;
}

const eventText = (match: LiveMatch, event: LiveMatch['events'][number]) =>
  `{"type":"game.event","matchId":${JSON.stringify(match.spec.id)},"event":${JSON.stringify(event)}}`;

/** This tick's engine events, each framed once for players and spectators. */
export function sendEvents(transport: GameTransport, match: LiveMatch): void {
  if (match.events.length === 0) return;
  const peers = everyone(match);
  if (peers.length === 0) return;
  for (const event of match.events)
    transport.write(peers, transport.prepare(eventText(match, event), 'game.event', false));
}

/**
 * Spectators taking turns (spectators.ts): this tick's events go to the
 * players now, and to each group on its turn. Returns the frames the group
 * due this tick is owed (from earlier ticks, then this one's), for the same
 * write as its state: one write per socket, however many events.
 */
function eventsByTurns(
  transport: GameTransport,
  match: LiveMatch,
  due: ReadonlySet<Peer>,
): unknown[] {
  const { spectators } = match;
  const owed = spectators.takeHeld(due).map((text) => transport.prepare(text, 'game.event', false));
  const players = playersOf(match);
  for (const event of match.events) {
    const text = eventText(match, event);
    const frame = transport.prepare(text, 'game.event', false);
    transport.write(players, frame);
    spectators.hold(text, due);
    owed.push(frame);
  }
  return owed;
}

/** Every event a spectator group is still owed, now. */
export function sendHeld(transport: GameTransport, match: LiveMatch): void {
  for (const [group, texts] of match.spectators.takeAllHeld())
    for (const text of texts) transport.write(group, transport.prepare(text, 'game.event', false));
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
