/**
 * Starting matches: invites (create, accept, decline, rematch), bot matches,
 * and the entry points other areas call — `createMatchFromQueue` for
 * matchmaking and `createTournamentMatch` for tournaments. Every match is
 * written to the database first, then handed to the runner that plays it.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { MatchView } from '../../contract/games.ts';
import { gameSettingsSchema, type BotLevel, type GameSettings } from '../../contract/game.ts';
import { AppError } from '../../contract/errors.ts';
import type { MatchKind, MatchSpec, SeatSpec, Visibility } from '../../game/live-match.ts';
import { requireUser, type Actor, type UserActor } from '../actors.ts';
import { isBlockedEitherWay } from '../social/blocks.ts';
import { crossingInvite, underPairLock } from './crossing.ts';
import { queueWrite, type GamesDeps } from './deps.ts';
import { getMatch, loadMatch } from './read.ts';
import * as repo from './repo.ts';
import { settingsOf } from './views.ts';

interface NewMatch {
  kind: MatchKind;
  ranked: boolean;
  visibility: Visibility;
  settings: GameSettings;
  state: 'pending' | 'ready';
  players: [SeatSpec, SeatSpec];
  createdBy: string | null;
  rematchOf?: string | null;
  holdReady?: boolean;
}

/** Writes a match and starts holding it in the runner. */
async function startMatch(deps: GamesDeps, input: NewMatch): Promise<MatchSpec> {
  const spec: MatchSpec = {
    id: randomUUID(),
    kind: input.kind,
    ranked: input.ranked,
    visibility: input.visibility,
    settings: input.settings,
    seed: randomInt(0, 2 ** 31 - 1),
    players: input.players,
    state: input.state,
    ...(input.holdReady ? { holdReady: true } : {}),
  };
  const now = deps.clock.now();
  await repo
    .insertMatch(
      deps.db,
      {
        id: spec.id,
        kind: spec.kind,
        ranked: spec.ranked,
        visibility: spec.visibility,
        state: spec.state,
        settings: spec.settings,
        seed: spec.seed,
        created_by: input.createdBy,
        rematch_of: input.rematchOf ?? null,
        created_at: new Date(now),
        owner_instance: deps.instanceId,
        invite_expires_at:
          spec.state === 'pending' ? new Date(now + deps.config.inviteTtlMs) : null,
      },
      input.players.map((p, side) => ({
        match_id: spec.id,
        side: side as 0 | 1,
        user_id: 'userId' in p ? p.userId : null,
        bot_level: 'bot' in p ? p.bot : null,
        // The inviter has accepted by inviting; matchmaking and tournament players by queueing or registering.
        accepted: spec.state === 'ready' || side === 0,
        live: spec.state === 'ready' && 'userId' in p,
      })),
    )
    .catch((err: unknown) => {
      throw liveConflictError(err, input.players) ?? err;
    });
  try {
    await deps.host.add(spec);
  } catch (err) {
    // Someone got into another match meanwhile: the row must not look live.
    await repo.abortWithoutResult(deps.db, spec.id, 'conflict', new Date(deps.clock.now()));
    throw err;
  }
  return spec;
}

const busy = (username: string) => new AppError('CONFLICT', `${username} is already in a match`);

/** The CONFLICT for a player the database found live in another match (on any instance), if that was the error. */
function liveConflictError(err: unknown, players: readonly SeatSpec[]): AppError | undefined {
  const userId = repo.liveConflict(err);
  if (userId === undefined) return undefined;
  const who = players.find((p) => 'userId' in p && p.userId === userId);
  return who && 'userId' in who
    ? busy(who.username)
    : new AppError('CONFLICT', 'A player is already in a match');
}

async function activeUser(deps: GamesDeps, username: string) {
  const user = await repo.findUserByName(deps.db, username);
  if (!user || user.status !== 'active') throw new AppError('NOT_FOUND', `No user ${username}`);
  return user;
}

export async function inviteUser(
  deps: GamesDeps,
  actor: UserActor,
  input: { opponent: string; settings: GameSettings; visibility: Visibility; rematchOf?: string },
): Promise<MatchView> {
  const me = await repo.findUserById(deps.db, actor.id);
  const other = await activeUser(deps, input.opponent);
  if (!me) throw new AppError('UNAUTHENTICATED', 'Your account no longer exists');
  if (other.id === me.id)
    throw new AppError('VALIDATION', 'You cannot invite yourself', [
      { path: 'body.opponent', message: 'is you', code: 'custom' },
    ]);
  if (await isBlockedEitherWay(deps.db, me.id, other.id))
    throw new AppError('FORBIDDEN', `You cannot invite ${other.username}`);
  type Decision = { accept: string } | { invite: Awaited<ReturnType<typeof startMatch>> };
  const decided = await underPairLock(deps, me.id, other.id, async (): Promise<Decision> => {
    const crossing = await crossingInvite(deps, other.id, me.id);
    if (crossing) return { accept: crossing };
    const spec = await startMatch(deps, {
      kind: 'direct',
      ranked: false,
      visibility: input.visibility,
      settings: input.settings,
      state: 'pending',
      createdBy: me.id,
      rematchOf: input.rematchOf,
      players: [
        { userId: me.id, username: me.username },
        { userId: other.id, username: other.username },
      ],
    });
    const written = await repo.getMatchRow(deps.db, spec.id);
    const crossed = written && (await crossingInvite(deps, other.id, me.id, written));
    if (crossed) {
      await deps.host.end(spec.id, { outcome: 'aborted', reason: 'crossed', winnerSide: null });
      return { accept: crossed };
    }
    return { invite: spec };
  });
  if ('accept' in decided) return acceptMatch(deps, actor, { id: decided.accept });
  const spec = decided.invite;
  const expiresAt = new Date(deps.clock.now() + deps.config.inviteTtlMs).toISOString();
  await deps
    .notify(other.id, 'game_invite', {
      matchId: spec.id,
      from: me.username,
      expiresAt,
      rematch: input.rematchOf !== undefined,
    })
    .catch((err: unknown) =>
      deps.logger.warn({ err, 'game.match.id': spec.id }, 'game invite notification failed'),
    );
  return getMatch(deps, actor, { id: spec.id });
}

async function botMatch(
  deps: GamesDeps,
  actor: UserActor,
  input: { bot: BotLevel; settings: GameSettings; visibility: Visibility; rematchOf?: string },
): Promise<MatchView> {
  const me = await repo.findUserById(deps.db, actor.id);
  if (!me) throw new AppError('UNAUTHENTICATED', 'Your account no longer exists');
  const spec = await startMatch(deps, {
    kind: 'bot',
    ranked: false,
    visibility: input.visibility,
    settings: input.settings,
    state: 'ready',
    createdBy: me.id,
    rematchOf: input.rematchOf,
    players: [{ userId: me.id, username: me.username }, { bot: input.bot }],
  });
  return getMatch(deps, actor, { id: spec.id });
}

/** POST /matches: an invite to `opponent` (pending until accepted) or a match against the bot (ready at once). */
export async function createMatch(
  deps: GamesDeps,
  actor: Actor,
  input: { opponent?: string; bot?: BotLevel; settings?: GameSettings; visibility: Visibility },
): Promise<MatchView> {
  const user = requireUser(actor);
  const settings = input.settings ?? gameSettingsSchema.parse({});
  if (input.bot)
    return botMatch(deps, user, { bot: input.bot, settings, visibility: input.visibility });
  return inviteUser(deps, user, {
    opponent: input.opponent!,
    settings,
    visibility: input.visibility,
  });
}

/** The invited player accepts: the match becomes ready for both to join. */
export async function acceptMatch(
  deps: GamesDeps,
  actor: Actor,
  input: { id: string },
): Promise<MatchView> {
  const user = requireUser(actor);
  const { row, players } = await loadMatch(deps, user, input.id);
  const invited = players.find((p) => p.side === 1)!;
  if (invited.user_id !== user.id)
    throw new AppError('FORBIDDEN', 'Only the invited player can accept');
  if (row.state !== 'pending')
    throw new AppError('CONFLICT', `The match is ${row.state}, not an open invite`);
  // The database first: it sees the live matches of every instance.
  const opened = await queueWrite(deps, row.id, () => repo.acceptInvite(deps.db, row.id)).catch(
    (err: unknown) => {
      throw liveConflictError(err, seatsOf(players)) ?? err;
    },
  );
  if (!opened) throw new AppError('CONFLICT', 'The invite is no longer open');
  try {
    await deps.host.accept(row.id);
  } catch (err) {
    await queueWrite(deps, row.id, () => repo.releaseInvite(deps.db, row.id));
    throw err;
  }
  return getMatch(deps, actor, input);
}

const seatsOf = (players: readonly repo.PlayerRow[]): SeatSpec[] =>
  players.flatMap((p) =>
    p.user_id !== null && p.username !== null ? [{ userId: p.user_id, username: p.username }] : [],
  );

/** Either player ends an open invite: the invited one declines, the inviter withdraws it. */
export async function declineMatch(
  deps: GamesDeps,
  actor: Actor,
  input: { id: string },
): Promise<MatchView> {
  const user = requireUser(actor);
  const { row, players } = await loadMatch(deps, user, input.id);
  if (!players.some((p) => p.user_id === user.id))
    throw new AppError('FORBIDDEN', 'You are not invited to this match');
  const notOpen = () => new AppError('CONFLICT', `The match is ${row.state}, not an open invite`);
  if (row.state !== 'pending') throw notOpen();
  await deps.host
    .end(row.id, { outcome: 'aborted', reason: 'declined', winnerSide: null })
    .catch((err: unknown) => {
      throw err instanceof AppError && err.code === 'NOT_FOUND' ? notOpen() : err;
    });
  return getMatch(deps, actor, input);
}

/** After an ended match, offer the same opponent (or bot) a new one with the same settings. */
export async function rematch(
  deps: GamesDeps,
  actor: Actor,
  input: { id: string },
): Promise<MatchView> {
  const user = requireUser(actor);
  const { row, players } = await loadMatch(deps, user, input.id);
  const mine = players.find((p) => p.user_id === user.id);
  if (!mine) throw new AppError('FORBIDDEN', 'Only its players can ask for a rematch');
  if (
    !repo.endedStates.includes(row.state as (typeof repo.endedStates)[number]) ||
    row.started_at === null
  ) {
    throw new AppError('CONFLICT', 'A rematch needs a match that was played and has ended');
  }
  const other = players.find((p) => p !== mine)!;
  const settings = settingsOf(row);
  if (other.bot_level)
    return botMatch(deps, user, {
      bot: other.bot_level,
      settings,
      visibility: row.visibility,
      rematchOf: row.id,
    });
  if (!other.username) throw new AppError('NOT_FOUND', 'The opponent no longer exists');
  return inviteUser(deps, user, {
    opponent: other.username,
    settings,
    visibility: row.visibility,
    rematchOf: row.id,
  });
}

async function pairOf(deps: GamesDeps, a: string, b: string): Promise<[SeatSpec, SeatSpec]> {
  const users = await Promise.all([repo.findUserById(deps.db, a), repo.findUserById(deps.db, b)]);
  if (users.some((u) => !u || u.status !== 'active'))
    throw new AppError('NOT_FOUND', 'A player no longer exists');
  if (a === b) throw new AppError('VALIDATION', 'A match needs two different players');
  if (await isBlockedEitherWay(deps.db, a, b))
    throw new AppError('FORBIDDEN', 'These players block each other');
  // Sides are drawn so neither queue position nor bracket order decides who serves from where.
  const seats = users.map((u) => ({ userId: u!.id, username: u!.username })) as [
    SeatSpec,
    SeatSpec,
  ];
  return randomInt(0, 2) === 0 ? seats : [seats[1], seats[0]];
}

/**
 * Matchmaking's entry point: a ready match between two queued users (user
 * ids). Both then get `queue.matched` from the caller, join and send ready;
 * a no-show forfeits after GAME_READY_TIMEOUT_MS. Public; ranked when asked.
 */
export async function createMatchFromQueue(
  deps: GamesDeps,
  input: { a: string; b: string; ranked: boolean; settings?: GameSettings },
): Promise<MatchSpec> {
  const players = await pairOf(deps, input.a, input.b);
  return startMatch(deps, {
    kind: 'matchmaking',
    ranked: input.ranked,
    visibility: 'public',
    settings: input.settings ?? gameSettingsSchema.parse({}),
    state: 'ready',
    players,
    createdBy: null,
  });
}

/**
 * Tournaments' entry point: a ready, public, unranked match between two
 * registered users; its end reaches `onMatchEnded` listeners with kind
 * `tournament` (a no-show forfeits, so brackets always advance).
 */
export async function createTournamentMatch(
  deps: GamesDeps,
  input: { a: string; b: string; settings?: GameSettings },
): Promise<MatchSpec> {
  const players = await pairOf(deps, input.a, input.b);
  return startMatch(deps, {
    kind: 'tournament',
    ranked: false,
    visibility: 'public',
    settings: input.settings ?? gameSettingsSchema.parse({}),
    state: 'ready',
    players,
    createdBy: null,
    // The tournament's join timeout decides no-shows, not the game's own ready timeout.
    holdReady: true,
  });
}
