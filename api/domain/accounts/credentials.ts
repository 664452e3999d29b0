/**
 * Turns a bearer credential (an access JWT or a `pong_pat_` token) into the
 * user behind it, with the session and user state cached in memory so an
 * authenticated request costs one map lookup, not a database query. Services
 * invalidate entries after every commit that revokes a session, deletes a
 * token or changes a user, so a logout takes effect on the very next request;
 * entries also expire after `ttlMs` to bound staleness across instances. The
 * database is the truth: while the invalidation bus cannot be heard
 * (`busHearing`), an entry is trusted for `deafTtlMs` only, so a revocation
 * made on another instance during a Redis outage takes effect within seconds.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../contract/errors.ts';
import {
  findPatByHash,
  findSession,
  findUserById,
  touchPat,
  type PatRow,
  type UserRow,
} from './repo.ts';
import type { Invalidation } from './invalidation.ts';
import { hashToken, patPrefix, verifyAccessToken, type AccessClaims } from './tokens.ts';

export interface Principal {
  user: UserRow;
  sessionId?: string;
  tokenId?: string;
}

/**
 * `user` with `revoked: true` means every credential of the user ended (ban,
 * delete, logout-all, password reset); `token` is a revoked personal access
 * token; `role` is a user whose role changed (credentials stay valid, but what
 * was decided with the old role must be decided again).
 */
export type RevokeEvent =
  | { kind: 'session'; id: string }
  | { kind: 'token'; id: string }
  | { kind: 'user'; id: string; revoked: boolean }
  | { kind: 'role'; id: string };

export interface Credentials {
  resolve(token: string): Promise<Principal>;
  /** The user row through the cache (GET /me costs no query on a hit); UNAUTHENTICATED when gone. */
  user(id: string): Promise<UserRow>;
  invalidateSession(id: string): void;
  /** Drops the cached user; `revoked` when all of the user's sessions ended too. */
  invalidateUser(id: string, revoked?: boolean): void;
  invalidateToken(id: string): void;
  /** Drops the cached user after a role change; open sockets of the user are closed. */
  invalidateRole(id: string): void;
  /** Called after each invalidation (the WebSocket gateway closes affected sockets). Returns an unsubscribe. */
  onRevoke(listener: (event: RevokeEvent) => void): () => void;
  /** Applies an invalidation another instance published (no re-publishing). */
  apply(event: Invalidation): void;
  /** Drops every cached session, token and user (the bus may have lost invalidations). */
  forget(): void;
}

interface Cached<T> {
  value: T;
  at: number;
  until: number;
}

const maxEntries = 50_000;
const unauthenticated = (message: string) => new AppError('UNAUTHENTICATED', message);

export interface CredentialsOptions {
  db: Knex;
  clock: Clock;
  jwtKey: Uint8Array;
  ttlMs?: number;
  /** Tells the other instances (Redis); absent with a single instance. */
  publish?: (event: Invalidation) => void;
  /** Whether other instances' invalidations reach this one; absent (always) with a single instance. */
  busHearing?: () => boolean;
  /** How long an entry is trusted while the bus is not heard (default 2 s). */
  deafTtlMs?: number;
}

export function createCredentials(options: CredentialsOptions): Credentials {
  const { db, clock } = options;
  const ttl = options.ttlMs ?? 30_000;
  const deafTtl = options.deafTtlMs ?? 2_000;
  const hearing = options.busHearing ?? (() => true);
  const jwts = new Map<string, AccessClaims>();
  const sessions = new Map<
    string,
    Cached<{ userId: string; revoked: boolean; expiresAt: number }>
  >();
  const users = new Map<string, Cached<UserRow | null>>();
  const pats = new Map<string, Cached<PatRow | null>>();
  const listeners = new Set<(event: RevokeEvent) => void>();

  function remember<T>(map: Map<string, Cached<T>>, key: string, value: T): T {
    if (map.size >= maxEntries) map.clear();
    const at = clock.now();
    map.set(key, { value, at, until: at + ttl });
    return value;
  }
  function fresh<T>(map: Map<string, Cached<T>>, key: string): Cached<T> | undefined {
    const hit = map.get(key);
    const now = clock.now();
    if (!hit || hit.until <= now) return undefined;
    return hit.at + deafTtl > now || hearing() ? hit : undefined;
  }

  async function user(id: string): Promise<UserRow> {
    const row =
      fresh(users, id)?.value ?? remember(users, id, (await findUserById(db, id)) ?? null);
    if (!row || row.status === 'deleted') throw unauthenticated('The account no longer exists');
    return row;
  }

  async function claims(token: string): Promise<AccessClaims> {
    let c = jwts.get(token);
    if (!c) {
      // jose costs ≈ 0.1 ms per verify; a verified token is remembered until it expires.
      const verified = await verifyAccessToken(options.jwtKey, token, clock.now());
      if (!verified) throw unauthenticated('The access token is invalid or expired');
      if (jwts.size >= maxEntries) jwts.clear();
      jwts.set(token, (c = verified));
    }
    if (c.exp * 1000 <= clock.now()) {
      jwts.delete(token);
      throw unauthenticated('The access token is invalid or expired');
    }
    return c;
  }

  async function fromJwt(token: string): Promise<Principal> {
    const c = await claims(token);
    let s = fresh(sessions, c.sessionId)?.value;
    if (!s) {
      const row = await findSession(db, c.sessionId);
      s = remember(sessions, c.sessionId, {
        userId: row?.user_id ?? c.userId,
        revoked: !row || row.revoked_at !== null,
        expiresAt: row ? new Date(row.expires_at).getTime() : 0,
      });
    }
    if (s.revoked || s.userId !== c.userId || s.expiresAt <= clock.now())
      throw unauthenticated('The session has ended; sign in again');
    return { user: await user(c.userId), sessionId: c.sessionId };
  }

  async function fromPat(token: string): Promise<Principal> {
    const hash = hashToken(token);
    let row = fresh(pats, hash)?.value;
    if (row === undefined) {
      row = remember(pats, hash, (await findPatByHash(db, hash)) ?? null);
      // Recorded on cache misses only (about once per TTL per token), and awaited so a
      // listing right after the first use shows it; a failed touch never fails the request.
      if (row) await touchPat(db, row.id, new Date(clock.now())).catch(() => undefined);
    }
    if (!row) throw unauthenticated('The access token is invalid or revoked');
    if (row.expires_at && new Date(row.expires_at).getTime() <= clock.now())
      throw unauthenticated('The access token has expired');
    return { user: await user(row.user_id), tokenId: row.id };
  }

  const emit = (event: RevokeEvent) => {
    for (const listener of listeners) listener(event);
  };

  function apply(event: Invalidation): void {
    if (event.kind === 'session') {
      sessions.delete(event.id);
      emit({ kind: 'session', id: event.id });
    } else if (event.kind === 'user') {
      users.delete(event.id);
      for (const [key, s] of sessions) if (s.value.userId === event.id) sessions.delete(key);
      emit({ kind: 'user', id: event.id, revoked: event.revoked ?? false });
    } else if (event.kind === 'role') {
      users.delete(event.id);
      emit({ kind: 'role', id: event.id });
    } else {
      for (const [key, p] of pats) if (p.value?.id === event.id) pats.delete(key);
      emit({ kind: 'token', id: event.id });
    }
  }
  const local = (event: Invalidation) => {
    apply(event);
    options.publish?.(event);
  };

  return {
    resolve: (token) => (token.startsWith(patPrefix) ? fromPat(token) : fromJwt(token)),
    user,
    invalidateSession: (id) => local({ kind: 'session', id }),
    invalidateUser: (id, revoked = false) => local({ kind: 'user', id, revoked }),
    invalidateToken: (id) => local({ kind: 'token', id }),
    invalidateRole: (id) => local({ kind: 'role', id }),
    onRevoke(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    apply,
    forget() {
      sessions.clear();
      users.clear();
      pats.clear();
    },
  };
}
