/**
 * What a running server has started, and the one way it all closes: on
 * shutdown, and when start-up fails half-way (nothing started stays open, and
 * the logs are flushed).
 */
import type http from 'node:http';
import type { Db } from '../core/db.ts';
import type { openLeaseBackend } from '../core/lease.ts';
import type { Logging } from '../core/logging.ts';
import { closeAccountsDeps, type AccountsDeps } from '../domain/accounts/deps.ts';
import type { SocialDeps } from '../domain/social/deps.ts';
import type { Tournaments } from '../domain/tournaments/runtime.ts';
import type { Matchmaking } from '../realtime/matchmaking.ts';
import type { Realtime } from '../realtime/start.ts';
import type { Games } from './games.ts';
import { closeServer } from './listeners.ts';

/** In start order; each is set as soon as it has started. */
export interface Parts {
  logging: Logging;
  accounts: AccountsDeps;
  realtime: Realtime;
  social: SocialDeps;
  games: Games;
  leases: Awaited<ReturnType<typeof openLeaseBackend>>;
  tournaments: Tournaments;
  matchmaking: Matchmaking;
  servers: http.Server[];
}

/** Closes whatever of `parts` was started, in the order shutdown needs (not the reverse of start). */
export async function closeParts(parts: Partial<Parts>, db: Db, graceMs: number): Promise<void> {
  // Before the sockets close: a shutdown is not every user going offline (they reconnect elsewhere).
  await parts.social?.presence.close();
  // No new matches from the queue; then running matches are handed over or end (stored, game.end sent) while their sockets are still open.
  await parts.matchmaking?.close();
  await parts.tournaments?.close();
  await parts.leases?.close();
  await parts.games?.close();
  await parts.realtime?.close(graceMs);
  for (const server of parts.servers ?? []) await closeServer(server, graceMs);
  if (parts.accounts) await closeAccountsDeps(parts.accounts);
  await db.destroy();
  await parts.logging?.close(graceMs);
}
