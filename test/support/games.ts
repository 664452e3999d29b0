/**
 * Games test helpers: a server with quick countdowns, players on real
 * WebSockets, fast match settings that end in a couple of seconds, and
 * waiting for a match's end.
 */
import { connect, type TestClient, type WsMessage } from './ws-client.ts';
import {
  api,
  register,
  startAuthServer,
  type AuthTestServer,
  type Registered,
} from './accounts.ts';

export type GameServer = AuthTestServer;

export function startGameServer(env: Record<string, string> = {}): Promise<GameServer> {
  return startAuthServer({
    GAME_COUNTDOWN_MS: '200',
    WS_RATE_PER_SECOND: '200',
    WS_BURST: '200',
    ...env,
  });
}

/**
 * Settings where a player who holds "up" from the start loses every point in
 * well under a second: straight serves at top speed, no serve delay, serves
 * to the conceder (so the same player receives again).
 */
export const quickSettings = {
  pointsToWin: 2,
  ballSpeed: 900,
  ballMaxSpeed: 1500,
  ballSpeedUp: 0,
  maxDurationSec: 30,
  serve: { first: 'left', receiver: 'conceder', angle: 'straight', delayMs: 0 },
} as const;

export interface Player extends Registered {
  client: TestClient;
}

export async function player(s: GameServer, prefix = 'p'): Promise<Player> {
  const user = await register(s.url, prefix);
  const { client } = await connect(s.url, user.accessToken);
  return { ...user, client };
}

/** Joins and readies; returns the first game.state. */
export async function joinAndReady(p: Player, matchId: string): Promise<WsMessage> {
  p.client.send({ type: 'game.join', matchId, id: 'join' });
  const state = await p.client.next('game.state', 5_000);
  p.client.send({ type: 'game.ready', matchId });
  return state;
}

/** Waits until game.state says the match is in play (serve or play phase). */
export async function untilPlaying(client: TestClient, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await client.next('game.state', Math.max(1, deadline - Date.now()));
    const phase = (m.state as { phase: string }).phase;
    if (phase === 'serve' || phase === 'play') return;
  }
}

export async function postMatch(s: GameServer, token: string, body: unknown) {
  return api(s.url, 'POST', '/api/v1/matches', { token, body });
}

/** Drops queued state frames (the test client queues everything it did not wait for). */
export function drain(client: TestClient, type = 'game.state'): number {
  let n = 0;
  for (let i = client.received.length - 1; i >= 0; i--) {
    if (client.received[i]!.type === type) {
      client.received.splice(i, 1);
      n++;
    }
  }
  return n;
}
