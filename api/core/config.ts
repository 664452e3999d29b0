/**
 * Typed configuration. `loadConfig(env)` is the only reader of the process
 * environment: pure, frozen, and it reports every problem at once.
 */
import { z } from 'zod';
import { AppError } from './errors.ts';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'must be one of true/false, 1/0, yes/no, on/off',
  })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const port = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const positiveInt = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .positive('must be greater than 0');

const databaseUrl = z
  .string()
  .refine((v) => v === 'memory://' || /^postgres(ql)?:\/\/[^\s]+$/.test(v), {
    message: 'must be postgres://user@host:port/db or memory://',
  });

const originList = z.string().transform((v, ctx) => {
  const origins = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin like https://example.com` });
    }
  }
  return origins;
});

const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: databaseUrl.optional(),
  PONG_DATA_DIR: z.string().min(1).default('./.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PONG_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be redis://host:port')
    .optional(),
  CORS_ORIGINS: originList.default([]),
  BODY_LIMIT_BYTES: positiveInt.default(1024 * 1024),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  DATABASE_POOL_MAX: positiveInt.default(10),
  TRUST_PROXY: booleanString.default(false),
  ACCESS_LOG: booleanString.default(true),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  REDIS_PREFIX: z.string().regex(/^[\w.:-]{1,64}$/, 'must be 1–64 letters, digits or _ . : -').default('pongctl:'),
  WS_MAX_MESSAGE_BYTES: positiveInt.default(16 * 1024),
  WS_RATE_PER_SECOND: z.coerce.number({ error: 'must be a number' }).positive('must be greater than 0').default(20),
  WS_BURST: positiveInt.default(40),
  WS_MAX_SOCKETS_PER_USER: positiveInt.default(5),
  WS_PING_INTERVAL_MS: positiveInt.default(30_000),
  WS_BACKPRESSURE_BYTES: positiveInt.default(64 * 1024),
});

export type Config = Readonly<{
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  jwtSecret: string | undefined;
  redisUrl: string | undefined;
  corsOrigins: readonly string[];
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
  databasePoolMax: number;
  trustProxy: boolean;
  accessLog: boolean;
  nodeEnv: z.infer<typeof envSchema>['NODE_ENV'];
  /** Prefix of the Redis channels of the bus, so deployments (or test runs) sharing a Redis stay apart. */
  redisPrefix: string;
  ws: WsConfig;
}>;

/** Limits of the WebSocket gateway (api/realtime). */
export type WsConfig = Readonly<{
  maxMessageBytes: number;
  ratePerSecond: number;
  burst: number;
  maxSocketsPerUser: number;
  pingIntervalMs: number;
  backpressureBytes: number;
}>;

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
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.PONG_DATA_DIR,
    logLevel: e.LOG_LEVEL,
    jwtSecret: e.PONG_JWT_SECRET,
    redisUrl: e.REDIS_URL,
    corsOrigins: Object.freeze([...e.CORS_ORIGINS]),
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    databasePoolMax: e.DATABASE_POOL_MAX,
    trustProxy: e.TRUST_PROXY,
    accessLog: e.ACCESS_LOG,
    nodeEnv: e.NODE_ENV,
    redisPrefix: e.REDIS_PREFIX,
    ws: Object.freeze({
      maxMessageBytes: e.WS_MAX_MESSAGE_BYTES,
      ratePerSecond: e.WS_RATE_PER_SECOND,
      burst: e.WS_BURST,
      maxSocketsPerUser: e.WS_MAX_SOCKETS_PER_USER,
      pingIntervalMs: e.WS_PING_INTERVAL_MS,
      backpressureBytes: e.WS_BACKPRESSURE_BYTES,
    }),
  });
}

/** The table the README documents: variable, default, meaning. */
export const configDocs: ReadonlyArray<readonly [string, string, string]> = [
  ['PORT', '3000', 'TCP port the API listens on (0 picks a free one)'],
  ['HOST', '127.0.0.1', 'Address the API binds to; 0.0.0.0 in containers'],
  ['DATABASE_URL', '(unset)', 'postgres://… uses PostgreSQL; unset uses embedded PGlite in PONG_DATA_DIR; memory:// keeps it in memory'],
  ['PONG_DATA_DIR', './.data', 'Embedded database, generated secrets and uploads'],
  ['LOG_LEVEL', 'info', 'fatal, error, warn, info, debug, trace or silent'],
  ['PONG_JWT_SECRET', '(generated)', 'Signing key for access tokens (≥ 32 chars); generated once into PONG_DATA_DIR/jwt-secret (mode 0600) when unset'],
  ['REDIS_URL', '(unset)', 'redis://host:port: cross-instance bus and shared rate limits'],
  ['CORS_ORIGINS', '(none)', 'Comma-separated origins allowed to call the API from a browser, or *'],
  ['BODY_LIMIT_BYTES', '1048576', 'Largest JSON request body; larger answers 413'],
  ['SHUTDOWN_TIMEOUT_MS', '10000', 'How long SIGTERM waits for in-flight requests'],
  ['DATABASE_POOL_MAX', '10', 'PostgreSQL connection pool size'],
  ['TRUST_PROXY', 'false', 'Trust X-Forwarded-For from a reverse proxy'],
  ['ACCESS_LOG', 'true', 'One log line per request'],
  ['NODE_ENV', 'development', 'development, production or test'],
  ['REDIS_PREFIX', 'pongctl:', 'Prefix of the Redis pub/sub channels of the bus; give each deployment sharing a Redis its own'],
  ['WS_MAX_MESSAGE_BYTES', '16384', 'Largest WebSocket message a client may send; larger closes the socket with 1009'],
  ['WS_RATE_PER_SECOND', '20', 'Messages per second one socket may send on average (token bucket refill); beyond the burst the socket is closed with 4429'],
  ['WS_BURST', '40', 'Token bucket size: messages a socket may send at once'],
  ['WS_MAX_SOCKETS_PER_USER', '5', 'Open sockets per user on one instance; a new one closes the oldest with 4409'],
  ['WS_PING_INTERVAL_MS', '30000', 'Protocol ping interval; a socket that has not answered the previous ping is terminated'],
  ['WS_BACKPRESSURE_BYTES', '65536', 'Send buffer above which droppable frames (typing, presence, spectator frames) are skipped; at 16× a socket is closed with 1013'],
];
