/**
 * The matcher: one pass pairs what can be paired now (pairing.ts: rating
 * windows that widen with waiting, never blocked pairs, one pool per mode),
 * takes each pair out of the queue in one atomic step and starts a ready
 * match for it through the games service; both players get `queue.matched`
 * on whichever instance holds their sockets. `startMatcher` runs a pass every
 * tickMs, only while this instance holds the matcher lease when the queue is
 * shared; tests call `runMatcher` on a manual clock instead.
 */
import type { Lease } from '../../core/lease.ts';
import { toAppError } from '../../core/errors.ts';
import { createMatchFromQueue } from '../games/service.ts';
import type { MatchmakingDeps } from './deps.ts';
import { pairTickets } from './pairing.ts';
import type { Ticket } from './queue.ts';
import * as repo from './repo.ts';
import { dropTicket, recordQueueGauges, statusFrom } from './service.ts';

/**
 * How long a fresh join may look offline before its ticket goes: presence may
 * not yet count a socket that opened on another instance a moment ago.
 */
export const OFFLINE_GRACE_MS = 5_000;

/**
 * The tickets that can be paired now. A user in a live match (on any instance)
 * or offline everywhere past the grace loses the ticket; offline within the
 * grace keeps it but is not paired this pass.
 */
async function pairable(deps: MatchmakingDeps, tickets: Ticket[]): Promise<Ticket[]> {
  const ids = tickets.map((t) => t.userId);
  const [online, live] = await Promise.all([deps.online(ids), repo.liveAmong(deps.db, ids)]);
  const now = deps.clock.now();
  const kept: Ticket[] = [];
  for (const ticket of tickets) {
    if (live.has(ticket.userId)) await dropTicket(deps, ticket.userId, 'in_match');
    else if (online.has(ticket.userId)) kept.push(ticket);
    else if (now - ticket.joinedAt >= OFFLINE_GRACE_MS)
      await dropTicket(deps, ticket.userId, 'no_socket');
  }
  return kept;
}

/**
 * A pair the games service refused, already out of the queue. A block made
 * after queueing puts both back, apart; a conflict (one got into another
 * match) puts both back for the next pass to sort out; anything else drops
 * both tickets and tells the players.
 */
async function refused(deps: MatchmakingDeps, pair: [Ticket, Ticket], err: unknown): Promise<void> {
  const error = toAppError(err);
  const [a, b] = pair;
  if (error.code === 'FORBIDDEN') {
    a.blocked.add(b.userId);
    b.blocked.add(a.userId);
  }
  if (error.code === 'FORBIDDEN' || error.code === 'CONFLICT') {
    await Promise.all([deps.queue.restore(a), deps.queue.restore(b)]);
    return;
  }
  deps.logger.error({ err: error }, 'starting a matchmaking match failed');
  const size = await deps.queue.size();
  await Promise.all(
    pair.map((t) =>
      deps.push(t.userId, { type: 'queue.status', ...statusFrom(deps, undefined, size) }),
    ),
  );
}

/**
 * Takes the pair out of the queue (whole, or not at all when another matcher
 * or a leave got there first), starts its match and tells both players; false
 * when none was started. A player who leaves during those few milliseconds is
 * matched all the same (and forfeits by not showing up).
 */
async function startPair(deps: MatchmakingDeps, a: Ticket, b: Ticket): Promise<boolean> {
  if (!(await deps.queue.takePair(a, b))) return false;
  let matchId: string;
  try {
    matchId = (
      await createMatchFromQueue(deps.games, {
        a: a.userId,
        b: b.userId,
        ranked: a.mode === 'ranked',
        settings: deps.settings,
      })
    ).id;
  } catch (err) {
    await refused(deps, [a, b], err);
    return false;
  }
  await deps.queue.countMatch();
  const now = deps.clock.now();
  for (const t of [a, b]) deps.metrics?.matched(Math.max(0, (now - t.enqueuedAt) / 1000));
  deps.logger.info(
    {
      'game.match.id': matchId,
      'matchmaking.mode': a.mode,
      'matchmaking.rating_gap': Math.round(Math.abs(a.rating - b.rating)),
    },
    'matchmaking paired two players',
  );
  await Promise.all([
    deps.push(a.userId, { type: 'queue.matched', matchId, opponent: b.username, mode: a.mode }),
    deps.push(b.userId, { type: 'queue.matched', matchId, opponent: a.username, mode: b.mode }),
  ]);
  return true;
}

/** Waiting players hear of each widening of their window (`queue.status`), so clients can show it. */
async function reportWidening(deps: MatchmakingDeps, tickets: Ticket[]): Promise<void> {
  const pushes: Promise<void>[] = [];
  for (const ticket of tickets) {
    const status = statusFrom(deps, ticket, tickets.length);
    if (status.window === ticket.reportedWindow) continue;
    pushes.push(
      deps.queue
        .setReported(ticket.userId, status.window!)
        .then(() => deps.push(ticket.userId, { type: 'queue.status', ...status })),
    );
  }
  await Promise.all(pushes);
}

/** One matcher pass at the deps' clock; resolves with the number of matches started. Passes never overlap. */
export async function runMatcher(deps: MatchmakingDeps): Promise<number> {
  if (deps.queue.busy) return 0;
  deps.queue.busy = true;
  try {
    const tickets = await pairable(deps, await deps.queue.tickets());
    const byUser = new Map(tickets.map((t) => [t.userId, t]));
    const { pairs } = pairTickets(tickets, deps.clock.now(), {
      ...deps.config,
      blocked: (x, y) => byUser.get(x)?.blocked.has(y) ?? false,
    });
    let made = 0;
    for (const { a, b } of pairs) {
      if (await startPair(deps, byUser.get(a.userId)!, byUser.get(b.userId)!)) made++;
    }
    const left = await deps.queue.tickets();
    await reportWidening(deps, left);
    recordQueueGauges(deps, left);
    return made;
  } finally {
    deps.queue.busy = false;
  }
}

/**
 * Runs a pass every `config.tickMs` until the returned stop function is
 * called (it resolves once a pass in flight has ended); with a lease, only
 * while it is held (one matcher for the whole deployment). An instance that
 * stops matching reports an empty queue, so the gauges summed over instances
 * stay the deployment's queue.
 */
export function startMatcher(
  deps: MatchmakingDeps,
  lease?: Pick<Lease, 'held'>,
): () => Promise<void> {
  let reporting = false;
  let pass: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    if (lease && !lease.held) {
      if (reporting) deps.metrics?.queue(0, 0);
      reporting = false;
      return;
    }
    reporting = true;
    // The pass in flight is the one stop waits for.
    if (deps.queue.busy) return;
    pass = runMatcher(deps).catch((err: unknown) =>
      deps.logger.error({ err }, 'matchmaking pass failed'),
    );
  }, deps.config.tickMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await pass;
  };
}
