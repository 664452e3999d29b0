/**
 * Typed configuration. `loadConfig(env)` is the only reader of the process
 * environment: pure, frozen, and it reports every problem at once. What each
 * variable is, its default and its documentation live in config-table.ts; this
 * file only shapes the parsed values into the Config the code uses.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { AppError } from '../contract/errors.ts';
import { envSchema } from './config-table.ts';

type Env = z.infer<typeof envSchema>;

/** Empty strings count as unset, so `PORT= pongctl serve` means the default. */
function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

/**
 * Parses the environment into a frozen Config. Throws one AppError('CONFIG')
 * whose details list every problem as `{variable, message}`.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? '?'),
      message: issue.message,
    }));
    throw new AppError('CONFIG', 'Invalid configuration', problems);
  }
  const e = parsed.data;
  if (Boolean(e.LOG_ELASTICSEARCH_URL) !== Boolean(e.LOG_ELASTICSEARCH_API_KEY)) {
    const missing = e.LOG_ELASTICSEARCH_URL ? 'LOG_ELASTICSEARCH_API_KEY' : 'LOG_ELASTICSEARCH_URL';
    throw new AppError('CONFIG', 'Invalid configuration', [
      {
        variable: missing,
        message: 'must be set together with the other LOG_ELASTICSEARCH_* variable',
      },
    ]);
  }
  return shape(e);
}

/** The parsed variables grouped as the code reads them; the Config type is what this returns. */
function shape(e: Env) {
  const logShipping =
    e.LOG_ELASTICSEARCH_URL && e.LOG_ELASTICSEARCH_API_KEY
      ? Object.freeze({
          url: e.LOG_ELASTICSEARCH_URL,
          apiKey: e.LOG_ELASTICSEARCH_API_KEY,
          namespace: e.LOG_ELASTICSEARCH_NAMESPACE,
          bufferSize: e.LOG_SHIPPING_BUFFER,
        })
      : undefined;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    metrics: Object.freeze({ host: e.METRICS_HOST, port: e.METRICS_PORT }),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.PONG_DATA_DIR,
    logLevel: e.LOG_LEVEL,
    jwtSecret: e.PONG_JWT_SECRET,
    redisUrl: e.REDIS_URL,
    corsOrigins: Object.freeze([...e.CORS_ORIGINS]),
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    databasePoolMax: e.DATABASE_POOL_MAX,
    databaseStatementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    databaseAcquireTimeoutMs: e.DATABASE_ACQUIRE_TIMEOUT_MS,
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    trustProxy: e.TRUST_PROXY,
    accessLog: e.ACCESS_LOG,
    nodeEnv: e.NODE_ENV,
    redisPrefix: e.REDIS_PREFIX,
    instance: Object.freeze({
      id: e.INSTANCE_ID ?? `i-${randomBytes(4).toString('hex')}`,
      leaseTtlMs: e.INSTANCE_LEASE_TTL_MS,
    }),
    ws: Object.freeze({
      maxMessageBytes: e.WS_MAX_MESSAGE_BYTES,
      ratePerSecond: e.WS_RATE_PER_SECOND,
      burst: e.WS_BURST,
      maxSocketsPerUser: e.WS_MAX_SOCKETS_PER_USER,
      pingIntervalMs: e.WS_PING_INTERVAL_MS,
      backpressureBytes: e.WS_BACKPRESSURE_BYTES,
    }),
    chat: Object.freeze({
      rateLimit: e.CHAT_RATE_LIMIT,
      rateWindowSeconds: e.CHAT_RATE_WINDOW_SECONDS,
      typingIntervalMs: e.CHAT_TYPING_INTERVAL_MS,
    }),
    game: Object.freeze({
      stateRateHz: e.GAME_STATE_RATE_HZ,
      spectatorRateHz: e.GAME_SPECTATOR_RATE_HZ,
      graceMs: e.GAME_GRACE_MS,
      inviteTtlMs: e.GAME_INVITE_TTL_MS,
      readyTimeoutMs: e.GAME_READY_TIMEOUT_MS,
      countdownMs: e.GAME_COUNTDOWN_MS,
      maxInputsPerTick: e.GAME_MAX_INPUTS_PER_TICK,
    }),
    matchmaking: Object.freeze({
      tickMs: e.MATCHMAKING_TICK_MS,
      baseWindow: e.MATCHMAKING_BASE_WINDOW,
      widenBy: e.MATCHMAKING_WIDEN_BY,
      widenEveryMs: e.MATCHMAKING_WIDEN_EVERY_MS,
    }),
    tournaments: Object.freeze({
      joinTimeoutMs: e.TOURNAMENT_JOIN_TIMEOUT_MS,
      schedulerIntervalMs: e.TOURNAMENT_SCHEDULER_INTERVAL_MS,
    }),
    logShipping,
    auth: Object.freeze({
      adminPassword: e.PONG_ADMIN_PASSWORD,
      smtpUrl: e.SMTP_URL,
      mailFrom: e.MAIL_FROM,
      publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
      loginMaxFailures: e.AUTH_LOGIN_MAX_FAILURES,
      loginIpMaxFailures: e.AUTH_LOGIN_IP_MAX_FAILURES,
      loginWindowMinutes: e.AUTH_LOGIN_WINDOW_MINUTES,
      rateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
      passwordResetTtlMinutes: e.PASSWORD_RESET_TTL_MINUTES,
      scryptLog2N: e.PASSWORD_SCRYPT_LOG2N,
    }),
  });
}

export type Config = ReturnType<typeof shape>;
export type AuthConfig = Config['auth'];
export type GameConfig = Config['game'];
export type TournamentConfig = Config['tournaments'];
export type MatchmakingConfig = Config['matchmaking'];
export type WsConfig = Config['ws'];
export type ChatConfig = Config['chat'];
