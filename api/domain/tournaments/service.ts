/**
 * Tournaments for players: create one (any player), list and show them,
 * register under an alias and withdraw. Registration runs under the
 * tournament's row lock, so capacity holds when many register at once.
 */
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { gameSettingsSchema, type GameSettings } from '../../contract/game.ts';
import type { TournamentSummary, TournamentView } from '../../contract/tournaments.ts';
import { cursorPart, decodeCursor, pageOf } from '../../core/cursor.ts';
import { AppError } from '../../contract/errors.ts';
import type { Q } from '../../core/query.ts';
import { requireUser, type Actor } from '../actors.ts';
import type { TournamentDeps } from './deps.ts';
import * as repo from './repo.ts';
import { runStep } from './steps.ts';
import { playerView, summaryView, tournamentView } from './views.ts';

/** The tournament's creator, an admin, or the system (the scheduler) may run it. */
export function requireOrganizer(actor: Actor, t: repo.TournamentRow): void {
  if (actor.kind === 'system' || actor.role === 'admin' || actor.id === t.created_by) return;
  throw new AppError('FORBIDDEN', 'Only the tournament creator or an admin can do this');
}

export async function loadView(
  deps: TournamentDeps,
  id: string,
  q: Q = deps.db,
): Promise<TournamentView> {
  const t = await repo.getTournament(q, id);
  if (!t) throw new AppError('NOT_FOUND', 'No such tournament');
  const [players, rounds, matches, standings] = await Promise.all([
    repo.playersOf(q, id),
    repo.roundsOf(q, id),
    repo.matchesOf(q, id),
    repo.standingsOf(q, id),
  ]);
  return tournamentView({ t, players, rounds, matches, standings }, deps.config.joinTimeoutMs);
}

export interface CreateInput {
  name: string;
  capacity: number;
  format: repo.Format;
  settings?: GameSettings;
  registrationClosesAt?: string;
  startsAt?: string;
}

export async function createTournament(
  deps: TournamentDeps,
  actor: Actor,
  input: CreateInput,
): Promise<TournamentView> {
  const me = requireUser(actor);
  const now = deps.clock.now();
  for (const key of ['registrationClosesAt', 'startsAt'] as const) {
    const at = input[key];
    if (at !== undefined && Date.parse(at) <= now)
      throw new AppError('VALIDATION', `${key} must be in the future`, [
        { path: `body.${key}`, message: 'must be in the future', code: 'custom' },
      ]);
  }
  const id = randomUUID();
  await repo.insertTournament(deps.db, {
    id,
    name: input.name,
    created_by: me.id,
    capacity: input.capacity,
    format: input.format,
    settings: input.settings ?? gameSettingsSchema.parse({}),
    registration_closes_at: input.registrationClosesAt
      ? new Date(input.registrationClosesAt)
      : null,
    starts_at: input.startsAt ? new Date(input.startsAt) : null,
    created_at: new Date(now),
  });
  deps.logger.info(
    { 'tournament.id': id, 'tournament.format': input.format },
    'tournament created',
  );
  return loadView(deps, id);
}

export async function listTournaments(
  deps: TournamentDeps,
  actor: Actor,
  input: { state?: repo.TournamentState; limit: number; cursor?: string },
): Promise<{ items: TournamentSummary[]; nextCursor: string | null }> {
  requireUser(actor);
  const key = decodeCursor(input.cursor, z.tuple([cursorPart.instant, cursorPart.uuid]));
  const rows = await repo.listTournaments(deps.db, {
    state: input.state,
    limit: input.limit,
    after: key,
  });
  const page = pageOf(rows, input.limit, (r) => [new Date(r.created_at).toISOString(), r.id]);
  const winners = new Map(
    (
      await repo.winnersOf(
        deps.db,
        page.items.filter((r) => r.winner_id).map((r) => r.id),
      )
    ).map((p) => [p.tournament_id, p]),
  );
  return {
    items: page.items.map((r) => summaryView(r, r.players, winners.get(r.id))),
    nextCursor: page.nextCursor,
  };
}

export function getTournament(
  deps: TournamentDeps,
  actor: Actor,
  input: { id: string },
): Promise<TournamentView> {
  requireUser(actor);
  return loadView(deps, input.id);
}

export async function register(
  deps: TournamentDeps,
  actor: Actor,
  input: { id: string; alias: string },
) {
  const me = requireUser(actor);
  return runStep(deps, input.id, async ({ trx, t, players, now }) => {
    if (t.state !== 'registration')
      throw new AppError('CONFLICT', `Registration is over: the tournament is ${t.state}`);
    if (t.registration_closes_at && new Date(t.registration_closes_at).getTime() <= now.getTime())
      throw new AppError('CONFLICT', 'Registration has closed');
    if (players.has(me.id)) throw new AppError('CONFLICT', 'You are already registered');
    if (players.size >= t.capacity)
      throw new AppError('CONFLICT', `The tournament is full (${t.capacity} players)`);
    const aliasKey = input.alias.toLowerCase();
    if ([...players.values()].some((p) => p.alias_key === aliasKey)) {
      throw new AppError('CONFLICT', `The alias ${input.alias} is taken in this tournament`, [
        { path: 'body.alias', message: 'is taken', code: 'taken' },
      ]);
    }
    await repo.insertPlayer(trx, {
      tournament_id: t.id,
      user_id: me.id,
      alias: input.alias,
      alias_key: aliasKey,
      registered_at: now,
    });
    const row = (await repo.playersOf(trx, t.id)).find((p) => p.user_id === me.id)!;
    return playerView(row);
  });
}

export async function unregister(
  deps: TournamentDeps,
  actor: Actor,
  input: { id: string },
): Promise<{ withdrawn: true }> {
  const me = requireUser(actor);
  return runStep(deps, input.id, async ({ trx, t, players }) => {
    if (!players.has(me.id)) throw new AppError('NOT_FOUND', 'You are not registered');
    if (t.state !== 'registration')
      throw new AppError(
        'CONFLICT',
        `The tournament is ${t.state}: ask its organiser to remove you`,
      );
    await repo.deletePlayer(trx, t.id, me.id);
    return { withdrawn: true as const };
  });
}
