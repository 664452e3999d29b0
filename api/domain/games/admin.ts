/**
 * Operating matches: every match by state (private ones too), the live state
 * of a running one, and aborting one (no result, no rating change), audited
 * once the end of the aborted match has been stored.
 */
import type { MatchView } from '../../contract/games.ts';
import { decodeCursor, pageOf } from '../../core/cursor.ts';
import { AppError } from '../../core/errors.ts';
import type { Actor } from '../../http/context.ts';
import { withAudit } from '../audit/service.ts';
import type { GamesDeps } from './deps.ts';
import { getMatch } from './read.ts';
import * as repo from './repo.ts';
import { matchView } from './views.ts';

function requireAdmin(actor: Actor): void {
  if (actor.kind === 'user' && actor.role !== 'admin')
    throw new AppError('FORBIDDEN', 'This needs the admin role');
}

export async function adminListMatches(
  deps: GamesDeps,
  actor: Actor,
  input: { state?: string; limit: number; cursor?: string },
) {
  requireAdmin(actor);
  const key = decodeCursor(input.cursor, 2);
  if (key && (typeof key[0] !== 'string' || typeof key[1] !== 'string'))
    throw new AppError('VALIDATION', 'The cursor is not valid');
  const states =
    input.state === undefined
      ? undefined
      : input.state === 'live'
        ? repo.liveStates
        : [input.state];
  const rows = await repo.listAll(deps.db, states, {
    limit: input.limit,
    after: key as [string, string] | undefined,
  });
  const page = pageOf(rows, input.limit, (r) => [new Date(r.created_at).toISOString(), r.id]);
  const players = await repo.playersOf(
    deps.db,
    page.items.map((r) => r.id),
  );
  return {
    items: page.items.map((r) => matchView(r, players.get(r.id) ?? [])),
    nextCursor: page.nextCursor,
  };
}

export function adminMatchState(deps: GamesDeps, actor: Actor, input: { id: string }) {
  requireAdmin(actor);
  return deps.runner.inspect(input.id);
}

/** Aborts a running match or open invite; the audit row is written with the match's end. */
export async function adminAbortMatch(
  deps: GamesDeps,
  actor: Actor,
  input: { id: string; reason: string; requestId?: string },
): Promise<MatchView> {
  requireAdmin(actor);
  const row = await repo.getMatchRow(deps.db, input.id);
  if (!row) throw new AppError('NOT_FOUND', 'No such match');
  if (!deps.runner.get(input.id))
    throw new AppError('CONFLICT', `The match is ${row.state} and not running on this server`);
  await deps.runner.end(input.id, {
    outcome: 'aborted',
    reason: `admin: ${input.reason}`.slice(0, 200),
    winnerSide: null,
  });
  await withAudit({ db: deps.db, auditLogger: deps.auditLogger }, async (_trx, record) => {
    await record({
      actor: actor.kind === 'user' ? (actor.username ?? actor.id) : 'system',
      action: 'match.abort',
      target: input.id,
      requestId: input.requestId,
      details: { reason: input.reason, state: row.state },
      actorId: actor.kind === 'user' ? actor.id : undefined,
    });
  });
  return getMatch(deps, actor, { id: input.id });
}
