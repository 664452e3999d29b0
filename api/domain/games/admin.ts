/**
 * Operating matches: every match by state (private ones too), the live state
 * of a running one, and aborting one (no result, no rating change), audited
 * once the end of the aborted match has been stored.
 */
import { z } from 'zod';
import type { MatchView } from '../../contract/games.ts';
import { cursorPart, decodeCursor, pageOf } from '../../core/cursor.ts';
import { AppError } from '../../contract/errors.ts';
import { type Actor, actorUserId, auditNameOf, requireAdminOrSystem } from '../actors.ts';
import { withAudit } from '../audit/service.ts';
import type { GamesDeps } from './deps.ts';
import { getMatch, matchesOf } from './read.ts';
import * as lists from './list-repo.ts';
import * as repo from './repo.ts';
import { matchView } from './views.ts';

export async function adminListMatches(
  deps: GamesDeps,
  actor: Actor,
  input: { state?: string; user?: string; limit: number; cursor?: string },
) {
  requireAdminOrSystem(actor);
  const key = decodeCursor(input.cursor, z.tuple([cursorPart.instant, cursorPart.uuid]));
  if (input.user !== undefined) {
    const user = await repo.findUserByName(deps.db, input.user);
    if (!user) throw new AppError('NOT_FOUND', `No user ${input.user}`);
    return matchesOf(deps, user.id, input);
  }
  const rows = await lists.listAll(deps.db, repo.statesOf(input.state), {
    limit: input.limit,
    after: key,
  });
  const found = pageOf(rows, input.limit, (r) => [new Date(r.created_at).toISOString(), r.id]);
  const players = await repo.playersOf(
    deps.db,
    found.items.map((r) => r.id),
  );
  return {
    items: found.items.map((r) => matchView(r, players.get(r.id) ?? [])),
    nextCursor: found.nextCursor,
  };
}

/** The live instances and what each holds (one, without Redis). */
export async function adminInstances(deps: GamesDeps, actor: Actor) {
  requireAdminOrSystem(actor);
  return deps.instances();
}

export function adminMatchState(deps: GamesDeps, actor: Actor, input: { id: string }) {
  requireAdminOrSystem(actor);
  return deps.host.inspect(input.id);
}

/** Aborts a running match or open invite; the audit row is written with the match's end. */
export async function adminAbortMatch(
  deps: GamesDeps,
  actor: Actor,
  input: { id: string; reason: string; requestId?: string },
): Promise<MatchView> {
  requireAdminOrSystem(actor);
  const row = await repo.getMatchRow(deps.db, input.id);
  if (!row) throw new AppError('NOT_FOUND', 'No such match');
  await deps.host
    .end(input.id, {
      outcome: 'aborted',
      reason: `admin: ${input.reason}`.slice(0, 200),
      winnerSide: null,
    })
    .catch((err: unknown) => {
      throw err instanceof AppError && err.code === 'NOT_FOUND'
        ? new AppError('CONFLICT', `The match is ${row.state}, not running`)
        : err;
    });
  await withAudit({ db: deps.db, auditLogger: deps.auditLogger }, async (_trx, record) => {
    await record({
      actor: auditNameOf(actor),
      action: 'match.abort',
      target: input.id,
      requestId: input.requestId,
      details: { reason: input.reason, state: row.state },
      actorId: actorUserId(actor),
    });
  });
  return getMatch(deps, actor, { id: input.id });
}
