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
import { createCredentials, type Credentials } from './credentials.ts';
import { redisInvalidationBus, type InvalidationBus } from './invalidation.ts';
import { createMailer, type Mailer } from './mailer.ts';
import { hashPassword, loadCommonPasswords } from './passwords.ts';
import {
  loginThrottle,
  memoryCounterStore,
  redisCounterStore,
  type CounterStore,
  type LoginThrottle,
} from './throttle.ts';
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
  throttle: LoginThrottle;
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
  redisUrl: string | undefined;
  metrics: AuthMetrics;
}

export async function createAccountsDeps(o: AccountsOptions): Promise<AccountsDeps> {
  const keys = deriveKeys(o.jwtSecret);
  const counters = o.redisUrl ? await redisCounterStore(o.redisUrl) : memoryCounterStore(o.clock);
  const metrics = o.metrics;
  // Bound late: the bus applies to the cache, the cache publishes on the bus.
  let bus: InvalidationBus | undefined;
  const credentials = createCredentials({
    db: o.db,
    clock: o.clock,
    jwtKey: keys.jwt,
    publish: (event) => bus?.publish(event),
  });
  if (o.redisUrl) {
    bus = await redisInvalidationBus(
      o.redisUrl,
      (event) => credentials.apply(event),
      (err) =>
        o.logger.warn(
          {
            'event.action': 'auth-invalidation-error',
            error: { type: err.name, message: err.message },
          },
          'auth cache invalidation over Redis failed',
        ),
    );
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
    throttle: loginThrottle(counters, {
      maxFailures: o.auth.loginMaxFailures,
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
