/**
 * The matchmaking queue's services: join (ranked or casual), leave, a user's
 * status, the queue's statistics, and dropping the ticket of a user whose last
 * socket (on any instance) closed. Pairing itself runs in the matcher
 * (matcher.ts), on one instance at a time.
 *
 * A ticket needs an open WebSocket on some instance: `queue.matched` is
 * delivered there through the gateway, whichever instance runs the matcher.
 */
import { randomUUID } from 'node:crypto';
import type { QueueMode, QueueStats, QueueStatus } from '../../contract/matchmaking.ts';
import { AppError } from '../../contract/errors.ts';
import { requireUser, type Actor } from '../actors.ts';
import { GLICKO2_DEFAULT_RATING } from '../games/rating.ts';
import { blockedUserIds } from '../social/blocks.ts';
import type { MatchmakingDeps } from './deps.ts';
import { windowOf } from './pairing.ts';
import type { Ticket } from './queue.ts';
import * as repo from './repo.ts';

async function requireSocket(deps: MatchmakingDeps, userId: string): Promise<void> {
  if (!(await deps.online([userId])).has(userId)) {
    throw new AppError(
      'CONFLICT',
      'Open a WebSocket first: the match is announced there (queue.matched)',
    );
  }
}

/**
 * True when the user plays a live match on any instance. The database knows
 * (one live row per user), so every instance answers alike.
 */
export async function isInLiveMatch(deps: MatchmakingDeps, userId: string): Promise<boolean> {
  return (await repo.liveAmong(deps.db, [userId])).has(userId);
}

const ageSec = (deps: MatchmakingDeps, since: number) =>
  Math.max(0, (deps.clock.now() - since) / 1000);

/** Queue gauges: size and the oldest ticket's age, of these tickets (the whole queue). */
export function recordQueueGauges(deps: MatchmakingDeps, tickets: readonly Ticket[]): void {
  let oldest: number | undefined;
  for (const t of tickets) if (oldest === undefined || t.enqueuedAt < oldest) oldest = t.enqueuedAt;
  deps.metrics?.queue(tickets.length, oldest === undefined ? 0 : ageSec(deps, oldest));
}

/**
 * After a join or leave: the in-memory queue is this instance's to report. A
 * shared queue is reported by the matcher alone (the lease holder), so that
 * summing the gauge over instances gives the deployment's queue.
 */
async function queueChanged(deps: MatchmakingDeps): Promise<void> {
  if (deps.queue.kind === 'memory') recordQueueGauges(deps, await deps.queue.tickets());
}

/** The status body of a ticket (or of no ticket) in a queue of `size`. */
export function statusFrom(
  deps: MatchmakingDeps,
  ticket: Ticket | undefined,
  size: number,
): QueueStatus {
  if (!ticket) return { queued: false, queueSize: size };
  const now = deps.clock.now();
  return {
    queued: true,
    mode: ticket.mode,
    waitedSec: Math.max(0, Math.floor((now - ticket.enqueuedAt) / 1000)),
    window: Math.round(windowOf(ticket, now, deps.config)),
    queueSize: size,
  };
}

/** One user's place in the queue (also the body of `queue.status`). */
export async function statusOf(deps: MatchmakingDeps, userId: string): Promise<QueueStatus> {
  const [ticket, size] = await Promise.all([deps.queue.get(userId), deps.queue.size()]);
  return statusFrom(deps, ticket, size);
}

/** POST /matchmaking/queue and `queue.join`: enter (or switch mode); the same mode again keeps the place. */
export async function joinQueue(
  deps: MatchmakingDeps,
  actor: Actor,
  input: { mode: QueueMode },
): Promise<QueueStatus> {
  const user = requireUser(actor);
  await requireSocket(deps, user.id);
  if (await isInLiveMatch(deps, user.id))
    throw new AppError('CONFLICT', 'You are already in a match');
  const row = await repo.queueUser(deps.db, user.id);
  if (!row || row.status !== 'active')
    throw new AppError('UNAUTHENTICATED', 'Your account is not active');
  const blocked = new Set(await blockedUserIds(deps.db, user.id));
  // The socket may have closed while the queries ran: such a ticket could never be matched.
  await requireSocket(deps, user.id);
  const now = deps.clock.now();
  const { ticket, existed } = await deps.queue.join({
    userId: user.id,
    username: row.username,
    rating: row.rating ?? GLICKO2_DEFAULT_RATING.rating,
    enqueuedAt: now,
    pool: input.mode,
    mode: input.mode,
    blocked,
    joinId: randomUUID(),
    joinedAt: now,
  });
  await queueChanged(deps);
  if (!existed)
    deps.logger.info(
      { 'matchmaking.mode': input.mode, 'user.id': user.id },
      'joined the matchmaking queue',
    );
  const status = statusFrom(deps, ticket, await deps.queue.size());
  // The answer reports this window; the matcher tells the player each time it widens.
  await deps.queue.setReported(user.id, status.window!);
  return status;
}

/** DELETE /matchmaking/queue and `queue.leave`: idempotent. */
export async function leaveQueue(deps: MatchmakingDeps, actor: Actor): Promise<QueueStatus> {
  const user = requireUser(actor);
  if (await deps.queue.take(user.id)) {
    await queueChanged(deps);
    deps.logger.info({ 'user.id': user.id }, 'left the matchmaking queue');
  }
  return statusOf(deps, user.id);
}

export function queueStatus(deps: MatchmakingDeps, actor: Actor): Promise<QueueStatus> {
  return statusOf(deps, requireUser(actor).id);
}

/** The ticket can no longer be matched (e.g. the user's last socket anywhere closed). */
export async function dropTicket(
  deps: MatchmakingDeps,
  userId: string,
  reason: string,
): Promise<boolean> {
  if (!(await deps.queue.take(userId))) return false;
  await queueChanged(deps);
  deps.logger.info(
    { 'user.id': userId, 'matchmaking.reason': reason },
    'matchmaking ticket dropped',
  );
  return true;
}

export async function queueStats(deps: MatchmakingDeps, actor: Actor): Promise<QueueStats> {
  requireUser(actor);
  const [tickets, matchesMade] = await Promise.all([
    deps.queue.tickets(),
    deps.queue.matchesMade(),
  ]);
  const oldest = tickets.reduce<number | undefined>(
    (min, t) => (min === undefined || t.enqueuedAt < min ? t.enqueuedAt : min),
    undefined,
  );
  return {
    queueSize: tickets.length,
    byMode: {
      ranked: tickets.filter((t) => t.mode === 'ranked').length,
      casual: tickets.filter((t) => t.mode === 'casual').length,
    },
    oldestWaitSec: oldest === undefined ? 0 : Math.floor(ageSec(deps, oldest)),
    matchesMade,
    window: {
      base: deps.config.baseWindow,
      widenBy: deps.config.widenBy,
      widenEverySec: deps.config.widenEveryMs / 1000,
    },
  };
}
