/**
 * Reading matches: one match (private ones only for their players and
 * admins), public live and ended lists, a user's history with cursor pages,
 * and replay data. Live matches show the runner's current score.
 */
import type { MatchView } from '../../contract/games.ts';
import { decodeCursor, pageOf } from '../../core/cursor.ts';
import { AppError } from '../../core/errors.ts';
import type { Actor } from '../../http/context.ts';
import type { GamesDeps } from './deps.ts';
import * as repo from './repo.ts';
import { matchView, settingsOf } from './views.ts';

const isAdmin = (actor: Actor): boolean => actor.kind === 'system' || actor.role === 'admin';

/** A match the actor may see; a private match of others is NOT_FOUND (its existence is private too). */
export async function loadMatch(
  deps: GamesDeps,
  actor: Actor,
  id: string,
): Promise<{ row: repo.MatchRow; players: repo.PlayerRow[] }> {
  const row = await repo.getMatchRow(deps.db, id);
  const players = row ? ((await repo.playersOf(deps.db, [id])).get(id) ?? []) : [];
  const visible =
    row &&
    (row.visibility === 'public' ||
      isAdmin(actor) ||
      (actor.kind === 'user' && players.some((p) => p.user_id === actor.id)));
  if (!row || !visible) throw new AppError('NOT_FOUND', 'No such match');
  return { row, players };
}

function liveScore(deps: GamesDeps, id: string): [number, number] | undefined {
  const live = deps.runner.get(id);
  return live ? [live.engine.leftScore, live.engine.rightScore] : undefined;
}

export async function getMatch(
  deps: GamesDeps,
  actor: Actor,
  input: { id: string },
): Promise<MatchView> {
  const { row, players } = await loadMatch(deps, actor, input.id);
  const timeline =
    row.ended_at !== null && row.started_at !== null
      ? await repo.timelineOf(deps.db, row.id)
      : undefined;
  return matchView(row, players, { timeline, liveScore: liveScore(deps, row.id) });
}

function afterOf(cursor: string | undefined): [string, string] | undefined {
  const key = decodeCursor(cursor, 2);
  if (!key) return undefined;
  if (typeof key[0] !== 'string' || typeof key[1] !== 'string' || Number.isNaN(Date.parse(key[0])))
    throw new AppError('VALIDATION', 'The cursor is not valid');
  return [key[0], key[1]];
}

async function views(deps: GamesDeps, rows: repo.MatchRow[]): Promise<MatchView[]> {
  const players = await repo.playersOf(
    deps.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) =>
    matchView(r, players.get(r.id) ?? [], { liveScore: liveScore(deps, r.id) }),
  );
}

const iso = (t: Date | string | null): string => new Date(t ?? 0).toISOString();

export async function listMatches(
  deps: GamesDeps,
  _actor: Actor,
  input: { state: 'live' | 'ended'; limit: number; cursor?: string },
) {
  const rows = await repo.listPublic(deps.db, input.state, {
    limit: input.limit,
    after: afterOf(input.cursor),
  });
  const page = pageOf(rows, input.limit, (r) => [
    iso(input.state === 'live' ? r.created_at : r.ended_at),
    r.id,
  ]);
  return { items: await views(deps, page.items), nextCursor: page.nextCursor };
}

/** A user's played matches, newest first; private ones only when the actor played in them (admins see all). */
export async function userHistory(
  deps: GamesDeps,
  actor: Actor,
  input: { username: string; limit: number; cursor?: string },
) {
  const user = await repo.findUserByName(deps.db, input.username);
  if (!user || user.status === 'deleted')
    throw new AppError('NOT_FOUND', `No user ${input.username}`);
  const viewer = isAdmin(actor) || actor.kind !== 'user' ? null : actor.id;
  const rows = await repo.listHistory(deps.db, user.id, viewer, {
    limit: input.limit,
    after: afterOf(input.cursor),
  });
  const page = pageOf(rows, input.limit, (r) => [iso(r.ended_at), r.id]);
  return { items: await views(deps, page.items), nextCursor: page.nextCursor };
}

/** Everything needed to re-simulate an ended match that was played. */
export async function getReplay(deps: GamesDeps, actor: Actor, input: { id: string }) {
  const { row, players } = await loadMatch(deps, actor, input.id);
  const log = row.ended_at !== null ? await repo.inputLogOf(deps.db, row.id) : undefined;
  if (log === undefined)
    throw new AppError(
      'CONFLICT',
      row.ended_at === null
        ? 'The match has not ended yet'
        : 'The match ended before play began: nothing to replay',
    );
  const view = matchView(row, players);
  return {
    matchId: row.id,
    settings: settingsOf(row),
    seed: row.seed,
    inputLog: log,
    ticks: row.ticks,
    players: view.players,
    outcome: row.state as 'finished' | 'aborted' | 'forfeited',
    reason: row.reason,
    winner: view.winner,
    score: view.score,
  };
}
