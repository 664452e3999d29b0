/**
 * Tournament test helpers: a game server whose tournament scheduler only
 * runs when the test calls `tick()`, players with open sockets, creating and
 * filling a tournament, seeding by planting ratings, reading its view, and
 * playing one tournament game over real WebSockets to a chosen result.
 */
import assert from 'node:assert/strict';
import { adminPassword, api, loginAs } from './accounts.ts';
import {
  drain,
  joinAndReady,
  player,
  quickSettings,
  startGameServer,
  untilPlaying,
  type GameServer,
  type Player,
} from './games.ts';
import { until } from './poll.ts';

export type TournamentServer = GameServer & { adminToken: string };

export const joinTimeoutMs = 60_000;

export async function startTournamentServer(
  env: Record<string, string> = {},
): Promise<TournamentServer> {
  const s = await startGameServer({
    TOURNAMENT_JOIN_TIMEOUT_MS: String(joinTimeoutMs),
    TOURNAMENT_SCHEDULER_INTERVAL_MS: '3600000',
    GAME_READY_TIMEOUT_MS: '600000',
    ...env,
  });
  return Object.assign(s, { adminToken: await loginAs(s.url, 'admin', adminPassword) });
}

/** `count` players with sockets; player i gets rating 2000 − 10·i, so seeds follow the array order. */
export async function seededPlayers(s: GameServer, count: number, prefix = 't'): Promise<Player[]> {
  const players: Player[] = [];
  for (let i = 0; i < count; i++) players.push(await player(s, prefix));
  await s.db('ratings').insert(
    players.map((p, i) => ({
      user_id: p.id,
      rating: 2000 - 10 * i,
      deviation: 80,
      volatility: 0.06,
      matches: 20,
      wins: 10,
      losses: 10,
      draws: 0,
    })),
  );
  return players;
}

export async function createTournament(
  s: TournamentServer,
  token: string,
  body: Record<string, unknown> = {},
) {
  const res = await api(s.url, 'POST', '/api/v1/tournaments', {
    token,
    body: {
      name: 'Cup',
      capacity: 8,
      format: 'single_elimination',
      settings: quickSettings,
      ...body,
    },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data as { id: string; [key: string]: unknown };
}

export async function registerAll(
  s: TournamentServer,
  id: string,
  players: Player[],
): Promise<void> {
  for (const [i, p] of players.entries()) {
    const res = await api(s.url, 'POST', `/api/v1/tournaments/${id}/register`, {
      token: p.accessToken,
      body: { alias: `Ace ${i + 1}` },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
}

export interface EntrantView {
  username: string;
  alias: string;
  seed: number;
}

export interface TMatch {
  id: string;
  round: number;
  position: number;
  state: string;
  a: EntrantView | null;
  b: EntrantView | null;
  gameId: string | null;
  winner: string | null;
  score: [number, number] | null;
  reason: string | null;
  forfeit: string | null;
  joinBy: string | null;
}

export async function view(s: TournamentServer, id: string, token = s.adminToken) {
  const res = await api(s.url, 'GET', `/api/v1/tournaments/${id}`, { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data as {
    state: string;
    currentRound: number;
    roundsTotal: number;
    winner: { username: string; alias: string } | null;
    rounds: { number: number; state: string; name: string; matches: TMatch[] }[];
    standings: {
      rank: number;
      username: string;
      wins: number;
      losses: number;
      draws: number;
      points: number;
      played: number;
      forfeits: number;
    }[];
    entrants: { username: string; seed: number; status: string }[];
  };
}

export async function action(s: TournamentServer, id: string, verb: string, token = s.adminToken) {
  return api(s.url, 'POST', `/api/v1/tournaments/${id}/${verb}`, { token });
}

export function override(
  s: TournamentServer,
  input: { id: string; matchId: string; winner: string; token?: string; reason?: string },
) {
  return api(s.url, 'POST', `/api/v1/tournaments/${input.id}/matches/${input.matchId}/result`, {
    token: input.token ?? s.adminToken,
    body: { winner: input.winner, reason: input.reason ?? 'test' },
  });
}

/** Polls until `check` passes on the tournament view (game ends are stored asynchronously). */
export async function untilView<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  let last: T | undefined;
  return until(
    () => `the condition, last seen ${JSON.stringify(last).slice(0, 1500)}`,
    async () => {
      last = await read();
      return check(last) ? last : undefined;
    },
    timeoutMs,
    50,
  );
}

/** Plays one game over WebSockets: both join and ready, the loser holds "up" and concedes every point. */
export async function playGame(gameId: string, winner: Player, loser: Player): Promise<void> {
  await joinAndReady(winner, gameId);
  await joinAndReady(loser, gameId);
  await untilPlaying(loser.client);
  loser.client.send({ type: 'game.input', matchId: gameId, seq: 1, dir: -1 });
  await Promise.all([
    loser.client.next('game.end', 15_000),
    winner.client.next('game.end', 15_000),
  ]);
  drain(winner.client);
  drain(loser.client);
}
