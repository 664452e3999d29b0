/**
 * Reading matches: one match (private ones only for their players and
 * admins), public live and ended lists, a user's history with cursor pages,
 * and replay data. Live matches show the runner's current score.
 */
import { z } from 'zod';
import type { MatchView } from '../../contract/games.ts';
import { cursorPart, decodeCursor, pageOf } from '../../core/cursor.ts';
import { AppError } from '../../contract/errors.ts';
import { isAdminOrSystem, requireUser, type Actor } from '../actors.ts';
import type { GamesDeps } from './deps.ts';
import * as lists from './list-repo.ts';
import * as repo from './repo.ts';
import { matchView, settingsOf } from './views.ts';

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
      isAdminOrSystem(actor) ||
      (actor.kind === 'user' && players.some((p) => p.user_id === actor.id)));
  if (!row || !visible) throw new AppError('NOT_FOUND', 'No such match');
  return { row, players };
}

const isEnded = (row: repo.MatchRow) =>
  repo.endedStates.includes(row.state as (typeof repo.endedStates)[number]);

/** Scores of the rows the database calls live, from whichever instance holds each. */
async function liveScores(
  deps: GamesDeps,
  rows: readonly repo.MatchRow[],
): Promise<Map<string, [number, number]>> {
  const ids = rows.filter((r) => !isEnded(r)).map((r) => r.id);
  const live = ids.length === 0 ? new Map() : await deps.host.liveMany(ids).catch(() => new Map());
  return new Map([...live].map(([id, summary]) => [id, summary.score]));
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
  const scores = await liveScores(deps, [row]);
  return matchView(row, players, { timeline, liveScore: scores.get(row.id) });
}

const matchKey = z.tuple([cursorPart.instant, cursorPart.uuid]);

function afterOf(cursor: string | undefined): [string, string] | undefined {
  return decodeCursor(cursor, matchKey);
}

async function views(deps: GamesDeps, rows: repo.MatchRow[]): Promise<MatchView[]> {
  const players = await repo.playersOf(
    deps.db,
    rows.map((r) => r.id),
  );
  const scores = await liveScores(deps, rows);
  return rows.map((r) => matchView(r, players.get(r.id) ?? [], { liveScore: scores.get(r.id) }));
}

const iso = (t: Date | string | null): string => new Date(t ?? 0).toISOString();

export async function listMatches(
  deps: GamesDeps,
  _actor: Actor,
  input: { state: 'live' | 'ended'; limit: number; cursor?: string },
) {
  const rows = await lists.listPublic(deps.db, input.state, {
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
  const viewer = actor.kind === 'system' || actor.role === 'admin' ? null : actor.id;
  const rows = await lists.listHistory(deps.db, user.id, viewer, {
    limit: input.limit,
    after: afterOf(input.cursor),
  });
  const page = pageOf(rows, input.limit, (r) => [iso(r.ended_at), r.id]);
  return { items: await views(deps, page.items), nextCursor: page.nextCursor };
}

/** The matches a user plays in (every state, private ones too), newest first; `state` as in repo.statesOf. */
export async function matchesOf(
  deps: GamesDeps,
  userId: string,
  input: { state?: string; limit: number; cursor?: string },
) {
  const rows = await lists.listOfUser(deps.db, userId, repo.statesOf(input.state), {
    limit: input.limit,
    after: afterOf(input.cursor),
  });
  const page = pageOf(rows, input.limit, (r) => [iso(r.created_at), r.id]);
  return { items: await views(deps, page.items), nextCursor: page.nextCursor };
}

/** GET /me/matches: the signed-in player's own matches, open invites included. */
export function myMatches(
  deps: GamesDeps,
  actor: Actor,
  input: { state?: string; limit: number; cursor?: string },
) {
  return matchesOf(deps, requireUser(actor).id, input);
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
        : row.started_at === null
          ? 'The match ended before play began: nothing to replay'
          : 'The match was imported without an input log: nothing to replay',
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
