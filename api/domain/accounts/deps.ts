/**
 * Everything the accounts services need, built once by the composition root:
 * keys, mailer, throttling store (memory or Redis), credential cache, the
 * common-password list and the dummy hash that makes unknown users cost the
 * same as wrong passwords.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../core/clock.ts';
import type { AuthConfig } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import type { AuthMetrics } from '../../core/metrics.ts';
import type { RedisSettings } from '../../core/redis.ts';
import { createCredentials, type Credentials } from './credentials.ts';
import type { InvalidationBus } from './invalidation.ts';
import { createMailer, type Mailer } from './mailer.ts';
import { hashPassword, loadCommonPasswords } from './passwords.ts';
import { sessionsRevokedSince } from './repo.ts';
import { attemptLimits, type AttemptLimits } from './attempt-limits.ts';
import { memoryCounterStore, type CounterStore } from '../../core/counters.ts';
import { deriveKeys, newOpaqueToken, type TokenKeys } from './tokens.ts';

export interface AccountsDeps {
  db: Knex;
  logger: Logger;
  /** Logger of the audit stream (event.dataset pong.audit). */
  auditLogger: Logger;
  clock: Clock;
  auth: AuthConfig;
  dataDir: string;
  keys: TokenKeys;
  metrics: AuthMetrics;
  mailer: Mailer;
  counters: CounterStore;
  /** Sign-in, 2FA, current-password and reset-request limits (attempt-limits.ts). */
  throttle: AttemptLimits;
  credentials: Credentials;
  commonPasswords: ReadonlySet<string>;
  dummyHash: string;
  /** Cross-instance cache invalidation (Redis); absent with a single instance. */
  invalidation?: InvalidationBus;
}

export interface AccountsOptions {
  db: Knex;
  logger: Logger;
  auditLogger: Logger;
  clock: Clock;
  auth: AuthConfig;
  dataDir: string;
  jwtSecret: string;
  /** Shared throttles and cross-instance invalidation when set; this process only otherwise. */
  redis: RedisSettings | undefined;
  metrics: AuthMetrics;
}

/** Counters in Redis (with this instance's memory while it is away), or in memory only. */
async function counterStore(o: AccountsOptions): Promise<CounterStore> {
  const local = memoryCounterStore(o.clock);
  if (!o.redis) return local;
  const { sharedCounterStore } = await import('../../core/counters-redis.ts');
  return sharedCounterStore(o.redis, local);
}

// Clocks of instances differ a little; a revocation replayed twice costs nothing.
const replayMarginMs = 5_000;

/** Re-announces the sessions revoked while the bus was deaf, so their sockets close on every instance. */
function replayRevocations(o: AccountsOptions, credentials: Credentials, deafSince: number): void {
  sessionsRevokedSince(o.db, new Date(deafSince - replayMarginMs))
    .then((ids) => {
      for (const id of ids) credentials.invalidateSession(id);
    })
    .catch((err: unknown) =>
      o.logger.warn(
        { err, 'event.action': 'auth-revocation-replay-failed' },
        'revocation replay failed',
      ),
    );
}

export async function createAccountsDeps(o: AccountsOptions): Promise<AccountsDeps> {
  const keys = deriveKeys(o.jwtSecret);
  const counters = await counterStore(o);
  const metrics = o.metrics;
  // Bound late: the bus applies to the cache, the cache publishes on the bus.
  let bus: InvalidationBus | undefined;
  const credentials = createCredentials({
    db: o.db,
    clock: o.clock,
    jwtKey: keys.jwt,
    publish: (event) => bus?.publish(event),
    busHearing: () => bus?.hearing() ?? true,
  });
  if (o.redis) {
    const { redisInvalidationBus } = await import('./invalidation.ts');
    bus = await redisInvalidationBus({
      redis: o.redis,
      apply: (event) => credentials.apply(event),
      onResume: (deafSince) => {
        credentials.forget();
        replayRevocations(o, credentials, deafSince);
      },
      onError: (err) =>
        o.logger.warn(
          {
            'event.action': 'auth-invalidation-error',
            error: { type: err.name, message: err.message },
          },
          'auth cache invalidation over Redis failed',
        ),
    });
  }
  return {
    db: o.db,
    logger: o.logger,
    auditLogger: o.auditLogger,
    clock: o.clock,
    auth: o.auth,
    dataDir: o.dataDir,
    keys,
    metrics,
    mailer: createMailer({
      db: o.db,
      logger: o.logger,
      metrics,
      smtpUrl: o.auth.smtpUrl,
      from: o.auth.mailFrom,
    }),
    counters,
    throttle: attemptLimits(counters, {
      pairMaxFailures: o.auth.loginMaxFailures,
      ipMaxFailures: o.auth.loginIpMaxFailures,
      windowMs: o.auth.loginWindowMinutes * 60_000,
      onLockout: () => metrics.lockout(),
    }),
    credentials,
    invalidation: bus,
    commonPasswords: loadCommonPasswords(),
    dummyHash: await hashPassword(newOpaqueToken(), o.auth.scryptLog2N),
  };
}

export async function closeAccountsDeps(deps: AccountsDeps): Promise<void> {
  await deps.mailer.close();
  await deps.counters.close();
  await deps.invalidation?.close();
}
