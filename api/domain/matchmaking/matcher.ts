/**
 * The matcher: one pass pairs what can be paired now (pairing.ts: rating
 * windows that widen with waiting, never blocked pairs, one pool per mode)
 * and starts a ready match for each pair through the games service; both
 * players get `queue.matched` and the runner starts the match once both have
 * joined and sent game.ready. `startMatcher` runs a pass every tickMs; tests
 * call `runMatcher` on a manual clock instead.
 */
import { toAppError } from '../../core/errors.ts';
import { createMatchFromQueue } from '../games/service.ts';
import type { MatchmakingDeps } from './deps.ts';
import { pairTickets } from './pairing.ts';
import type { Ticket } from './queue.ts';
import { dropTicket, recordQueueGauges, statusOf } from './service.ts';

/** Tickets that can no longer be matched: no socket here any more, or the user got into a match meanwhile. */
function prune(deps: MatchmakingDeps): void {
  for (const ticket of deps.queue.tickets()) {
    if (!deps.hasSocket(ticket.userId)) dropTicket(deps, ticket.userId, 'no_socket');
    else if (deps.games.runner.matchOf(ticket.userId)) dropTicket(deps, ticket.userId, 'in_match');
  }
}

async function tellUnqueued(deps: MatchmakingDeps, ticket: Ticket): Promise<void> {
  await deps.push(ticket.userId, { type: 'queue.status', ...statusOf(deps, ticket.userId) });
}

/**
 * A pair the games service refused. A block made after queueing keeps both
 * waiting, apart; a conflict (one got into another match, or closed the
 * socket) is for the next pass's prune; anything else drops both tickets.
 */
async function refused(deps: MatchmakingDeps, pair: [Ticket, Ticket], err: unknown): Promise<void> {
  const error = toAppError(err);
  const [a, b] = pair;
  if (error.code === 'FORBIDDEN') return deps.queue.noteBlock(a.userId, b.userId);
  if (error.code === 'CONFLICT') return;
  deps.logger.error({ err: error }, 'starting a matchmaking match failed');
  for (const ticket of pair) {
    if (dropTicket(deps, ticket.userId, 'match_failed')) await tellUnqueued(deps, ticket);
  }
}

/**
 * Starts the match of a pair and tells both players; false when none was
 * started. The tickets stay queued until the match exists, so a refused pair
 * keeps its places; a player who leaves during those few milliseconds is
 * matched all the same (and forfeits by not showing up).
 */
async function startPair(deps: MatchmakingDeps, first: string, second: string): Promise<boolean> {
  const a = deps.queue.get(first);
  const b = deps.queue.get(second);
  // One of them left while an earlier pair of this pass was being started.
  if (!a || !b) return false;
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
  deps.queue.take(a.userId);
  deps.queue.take(b.userId);
  const now = deps.clock.now();
  deps.queue.matchesMade++;
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
async function reportWidening(deps: MatchmakingDeps): Promise<void> {
  const pushes: Promise<void>[] = [];
  for (const ticket of deps.queue.tickets()) {
    const status = statusOf(deps, ticket.userId);
    if (status.window === ticket.reportedWindow) continue;
    ticket.reportedWindow = status.window;
    pushes.push(deps.push(ticket.userId, { type: 'queue.status', ...status }));
  }
  await Promise.all(pushes);
}

/** One matcher pass at the deps' clock; resolves with the number of matches started. Passes never overlap. */
export async function runMatcher(deps: MatchmakingDeps): Promise<number> {
  if (deps.queue.busy) return 0;
  deps.queue.busy = true;
  try {
    prune(deps);
    const { pairs } = pairTickets(deps.queue.tickets(), deps.clock.now(), {
      ...deps.config,
      blocked: (x, y) => deps.queue.get(x)?.blocked.has(y) ?? false,
    });
    let made = 0;
    for (const { a, b } of pairs) if (await startPair(deps, a.userId, b.userId)) made++;
    await reportWidening(deps);
    return made;
  } finally {
    deps.queue.busy = false;
    recordQueueGauges(deps);
  }
}

/** Runs a pass every `config.tickMs` until the returned stop function is called. */
export function startMatcher(deps: MatchmakingDeps): () => void {
  const timer = setInterval(() => {
    runMatcher(deps).catch((err: unknown) => deps.logger.error({ err }, 'matchmaking pass failed'));
  }, deps.config.tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
