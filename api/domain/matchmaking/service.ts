/**
 * The matchmaking queue's services: join (ranked or casual), leave, a user's
 * status, the queue's statistics, and dropping the ticket of a user whose last
 * socket closed. Pairing itself runs in the matcher (matcher.ts).
 *
 * A ticket needs an open WebSocket on this instance: `queue.matched` is
 * delivered there and the match runs in this process's runner.
 */
import type { QueueMode, QueueStats, QueueStatus } from '../../contract/matchmaking.ts';
import { AppError } from '../../core/errors.ts';
import type { Actor } from '../../http/context.ts';
import { GLICKO2_DEFAULT_RATING } from '../games/rating.ts';
import { userOf } from '../games/service.ts';
import { blockedUserIds } from '../social/blocks.ts';
import type { MatchmakingDeps } from './deps.ts';
import { windowOf } from './pairing.ts';
import type { Ticket } from './queue.ts';
import * as repo from './repo.ts';

function requireSocket(deps: MatchmakingDeps, userId: string): void {
  if (!deps.hasSocket(userId)) {
    throw new AppError(
      'CONFLICT',
      'Open a WebSocket to this server first: the match is announced there (queue.matched)',
    );
  }
}

/** Queue gauges: size and the oldest ticket's age. */
export function recordQueueGauges(deps: MatchmakingDeps): void {
  const oldest = deps.queue.oldestEnqueuedAt();
  deps.metrics?.queue(
    deps.queue.size,
    oldest === undefined ? 0 : Math.max(0, (deps.clock.now() - oldest) / 1000),
  );
}

/** One user's place in the queue (also the body of `queue.status`). */
export function statusOf(deps: MatchmakingDeps, userId: string): QueueStatus {
  const ticket = deps.queue.get(userId);
  if (!ticket) return { queued: false, queueSize: deps.queue.size };
  const now = deps.clock.now();
  return {
    queued: true,
    mode: ticket.mode,
    waitedSec: Math.max(0, Math.floor((now - ticket.enqueuedAt) / 1000)),
    window: Math.round(windowOf(ticket, now, deps.config)),
    queueSize: deps.queue.size,
  };
}

/** POST /matchmaking/queue and `queue.join`: enter (or switch mode); the same mode again keeps the place. */
export async function joinQueue(
  deps: MatchmakingDeps,
  actor: Actor,
  input: { mode: QueueMode },
): Promise<QueueStatus> {
  const user = userOf(actor);
  requireSocket(deps, user.id);
  if (deps.games.runner.matchOf(user.id))
    throw new AppError('CONFLICT', 'You are already in a match');
  const row = await repo.queueUser(deps.db, user.id);
  if (!row || row.status !== 'active')
    throw new AppError('UNAUTHENTICATED', 'Your account is not active');
  const blocked = new Set(await blockedUserIds(deps.db, user.id));
  // The socket may have closed while the queries ran: such a ticket could never be matched.
  requireSocket(deps, user.id);
  const existing = deps.queue.get(user.id);
  const enqueuedAt = existing?.mode === input.mode ? existing.enqueuedAt : deps.clock.now();
  const rating = row.rating ?? GLICKO2_DEFAULT_RATING.rating;
  const ticket: Ticket = {
    userId: user.id,
    username: row.username,
    rating,
    enqueuedAt,
    pool: input.mode,
    mode: input.mode,
    blocked,
  };
  deps.queue.put(ticket);
  recordQueueGauges(deps);
  if (!existing)
    deps.logger.info(
      { 'matchmaking.mode': input.mode, 'user.id': user.id },
      'joined the matchmaking queue',
    );
  const status = statusOf(deps, user.id);
  // The answer reports this window; the matcher tells the player each time it widens.
  ticket.reportedWindow = status.window;
  return status;
}

/** DELETE /matchmaking/queue and `queue.leave`: idempotent. */
export function leaveQueue(deps: MatchmakingDeps, actor: Actor): QueueStatus {
  const user = userOf(actor);
  if (deps.queue.take(user.id)) {
    recordQueueGauges(deps);
    deps.logger.info({ 'user.id': user.id }, 'left the matchmaking queue');
  }
  return statusOf(deps, user.id);
}

export function queueStatus(deps: MatchmakingDeps, actor: Actor): QueueStatus {
  return statusOf(deps, userOf(actor).id);
}

/** The user's last socket closed: the ticket goes (no socket, no `queue.matched`). */
export function dropTicket(deps: MatchmakingDeps, userId: string, reason: string): boolean {
  if (!deps.queue.take(userId)) return false;
  recordQueueGauges(deps);
  deps.logger.info(
    { 'user.id': userId, 'matchmaking.reason': reason },
    'matchmaking ticket dropped',
  );
  return true;
}

export function queueStats(deps: MatchmakingDeps, actor: Actor): QueueStats {
  userOf(actor);
  const oldest = deps.queue.oldestEnqueuedAt();
  return {
    queueSize: deps.queue.size,
    byMode: { ranked: deps.queue.countOf('ranked'), casual: deps.queue.countOf('casual') },
    oldestWaitSec:
      oldest === undefined ? 0 : Math.max(0, Math.floor((deps.clock.now() - oldest) / 1000)),
    matchesMade: deps.queue.matchesMade,
    window: {
      base: deps.config.baseWindow,
      widenBy: deps.config.widenBy,
      widenEverySec: deps.config.widenEveryMs / 1000,
    },
  };
}
