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
      ctx.addIssue({
        code: 'custom',
        message: `"${origin}" is not an origin like https://example.com`,
      });
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
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w.:-]{1,64}$/, 'must be 1–64 letters, digits or _ . : -')
    .default('pongctl:'),
  WS_MAX_MESSAGE_BYTES: positiveInt.default(16 * 1024),
  WS_RATE_PER_SECOND: z.coerce
    .number({ error: 'must be a number' })
    .positive('must be greater than 0')
    .default(20),
  WS_BURST: positiveInt.default(40),
  WS_MAX_SOCKETS_PER_USER: positiveInt.default(5),
  WS_PING_INTERVAL_MS: positiveInt.default(30_000),
  WS_BACKPRESSURE_BYTES: positiveInt.default(64 * 1024),
  CHAT_RATE_LIMIT: positiveInt.default(20),
  CHAT_RATE_WINDOW_SECONDS: positiveInt.default(10),
  CHAT_TYPING_INTERVAL_MS: positiveInt.default(2_000),
  GAME_STATE_RATE_HZ: positiveInt.max(60, 'must be at most 60 (the simulation rate)').default(60),
  GAME_SPECTATOR_RATE_HZ: positiveInt
    .max(60, 'must be at most 60 (the simulation rate)')
    .default(30),
  GAME_GRACE_MS: positiveInt.default(15_000),
  GAME_INVITE_TTL_MS: positiveInt.default(60_000),
  GAME_READY_TIMEOUT_MS: positiveInt.default(60_000),
  GAME_COUNTDOWN_MS: positiveInt.default(3_000),
  GAME_MAX_INPUTS_PER_TICK: positiveInt.default(4),
  MATCHMAKING_TICK_MS: positiveInt.default(1_000),
  MATCHMAKING_BASE_WINDOW: positiveInt.default(100),
  MATCHMAKING_WIDEN_BY: positiveInt.default(50),
  MATCHMAKING_WIDEN_EVERY_MS: positiveInt.default(5_000),
  TOURNAMENT_JOIN_TIMEOUT_MS: positiveInt.default(120_000),
  TOURNAMENT_SCHEDULER_INTERVAL_MS: positiveInt.default(1_000),
  LOG_ELASTICSEARCH_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .optional(),
  LOG_ELASTICSEARCH_API_KEY: z
    .string()
    .min(8, 'must be an Elasticsearch API key (base64 id:key)')
    .optional(),
  LOG_ELASTICSEARCH_NAMESPACE: z
    .string()
    .regex(
      /^[a-z0-9_]{1,100}$/,
      'must be lowercase letters, digits or _ (the data stream namespace)',
    )
    .default('default'),
  LOG_SHIPPING_BUFFER: positiveInt.default(10_000),
  PONG_ADMIN_PASSWORD: z
    .string()
    .min(8, 'must be at least 8 characters')
    .max(128, 'must be at most 128 characters')
    .optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'must be smtp://user:pass@host:port or smtps://…')
    .optional(),
  MAIL_FROM: z.string().min(3).default('pongctl <no-reply@localhost>'),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  AUTH_LOGIN_MAX_FAILURES: positiveInt.default(5),
  AUTH_LOGIN_WINDOW_MINUTES: positiveInt.default(15),
  AUTH_RATE_LIMIT_PER_MINUTE: positiveInt.default(60),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt.default(900),
  REFRESH_TOKEN_TTL_DAYS: positiveInt.default(30),
  PASSWORD_RESET_TTL_MINUTES: positiveInt.default(30),
  PASSWORD_SCRYPT_LOG2N: z.coerce
    .number({ error: 'must be a whole number' })
    .int()
    .min(14, 'must be at least 14')
    .max(20, 'must be at most 20')
    .default(15),
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
  chat: ChatConfig;
  game: GameConfig;
  matchmaking: MatchmakingConfig;
  tournaments: TournamentConfig;
  /** Direct shipping to Elasticsearch; undefined unless both URL and API key are set. */
  logShipping:
    Readonly<{ url: string; apiKey: string; namespace: string; bufferSize: number }> | undefined;
  auth: AuthConfig;
}>;

/** Identity settings: bootstrap admin, mail, token lifetimes, throttling, hash cost. */
export type AuthConfig = Readonly<{
  adminPassword: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Base of links in mails; http://HOST:PORT when unset. */
  publicUrl: string;
  loginMaxFailures: number;
  loginWindowMinutes: number;
  rateLimitPerMinute: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  passwordResetTtlMinutes: number;
  scryptLog2N: number;
}>;

/** Match runner timing (api/game/runner.ts); the simulation itself always runs at 60 Hz. */
export type GameConfig = Readonly<{
  stateRateHz: number;
  spectatorRateHz: number;
  graceMs: number;
  inviteTtlMs: number;
  readyTimeoutMs: number;
  countdownMs: number;
  maxInputsPerTick: number;
}>;

/** Tournaments (api/domain/tournaments): the join timeout of a tournament match and the scheduler's period. */
export type TournamentConfig = Readonly<{
  joinTimeoutMs: number;
  schedulerIntervalMs: number;
}>;

/** The matchmaking queue (api/domain/matchmaking): matcher period and the rating window that widens with waiting. */
export type MatchmakingConfig = Readonly<{
  tickMs: number;
  baseWindow: number;
  widenBy: number;
  widenEveryMs: number;
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

/** Chat limits (api/domain/chat). */
export type ChatConfig = Readonly<{
  /** Messages one user may send per window, over HTTP and WebSocket together. */
  rateLimit: number;
  rateWindowSeconds: number;
  /** Minimum time between two forwarded typing signals of one user in one conversation. */
  typingIntervalMs: number;
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
  if (Boolean(e.LOG_ELASTICSEARCH_URL) !== Boolean(e.LOG_ELASTICSEARCH_API_KEY)) {
    const missing = e.LOG_ELASTICSEARCH_URL ? 'LOG_ELASTICSEARCH_API_KEY' : 'LOG_ELASTICSEARCH_URL';
    throw new AppError('CONFIG', 'Invalid configuration', [
      {
        variable: missing,
        message: 'must be set together with the other LOG_ELASTICSEARCH_* variable',
      },
    ]);
  }
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
      loginWindowMinutes: e.AUTH_LOGIN_WINDOW_MINUTES,
      rateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
      passwordResetTtlMinutes: e.PASSWORD_RESET_TTL_MINUTES,
      scryptLog2N: e.PASSWORD_SCRYPT_LOG2N,
    }),
  });
}

/** The table the README documents: variable, default, meaning. */
export const configDocs: ReadonlyArray<readonly [string, string, string]> = [
  ['PORT', '3000', 'TCP port the API listens on (0 picks a free one)'],
  ['HOST', '127.0.0.1', 'Address the API binds to; 0.0.0.0 in containers'],
  [
    'DATABASE_URL',
    '(unset)',
    'postgres://… uses PostgreSQL; unset uses embedded PGlite in PONG_DATA_DIR; memory:// keeps it in memory',
  ],
  ['PONG_DATA_DIR', './.data', 'Embedded database, generated secrets and uploads'],
  ['LOG_LEVEL', 'info', 'fatal, error, warn, info, debug, trace or silent'],
  [
    'PONG_JWT_SECRET',
    '(generated)',
    'Signing key for access tokens (≥ 32 chars); generated once into PONG_DATA_DIR/jwt-secret (mode 0600) when unset',
  ],
  ['REDIS_URL', '(unset)', 'redis://host:port: cross-instance bus and shared rate limits'],
  [
    'CORS_ORIGINS',
    '(none)',
    'Comma-separated origins allowed to call the API from a browser, or *',
  ],
  ['BODY_LIMIT_BYTES', '1048576', 'Largest JSON request body; larger answers 413'],
  ['SHUTDOWN_TIMEOUT_MS', '10000', 'How long SIGTERM waits for in-flight requests'],
  ['DATABASE_POOL_MAX', '10', 'PostgreSQL connection pool size'],
  ['TRUST_PROXY', 'false', 'Trust X-Forwarded-For from a reverse proxy'],
  ['ACCESS_LOG', 'true', 'One log line per request'],
  ['NODE_ENV', 'development', 'development, production or test'],
  [
    'REDIS_PREFIX',
    'pongctl:',
    'Prefix of the Redis pub/sub channels of the bus; give each deployment sharing a Redis its own',
  ],
  [
    'WS_MAX_MESSAGE_BYTES',
    '16384',
    'Largest WebSocket message a client may send; larger closes the socket with 1009',
  ],
  [
    'WS_RATE_PER_SECOND',
    '20',
    'Messages per second one socket may send on average (token bucket refill); beyond the burst the socket is closed with 4429',
  ],
  ['WS_BURST', '40', 'Token bucket size: messages a socket may send at once'],
  [
    'WS_MAX_SOCKETS_PER_USER',
    '5',
    'Open sockets per user on one instance; a new one closes the oldest with 4409',
  ],
  [
    'WS_PING_INTERVAL_MS',
    '30000',
    'Protocol ping interval; a socket that has not answered the previous ping is terminated',
  ],
  [
    'WS_BACKPRESSURE_BYTES',
    '65536',
    'Send buffer above which droppable frames (typing, presence, spectator frames) are skipped; at 16× a socket is closed with 1013',
  ],
  [
    'CHAT_RATE_LIMIT',
    '20',
    'Chat messages one user may send per CHAT_RATE_WINDOW_SECONDS (HTTP and WebSocket together, shared through Redis when set); more answers RATE_LIMITED',
  ],
  ['CHAT_RATE_WINDOW_SECONDS', '10', 'Window of the per-user chat message limit'],
  [
    'CHAT_TYPING_INTERVAL_MS',
    '2000',
    'At most one forwarded chat.typing per user per conversation in this interval; the rest are dropped',
  ],
  [
    'GAME_STATE_RATE_HZ',
    '60',
    'game.state messages per second to each player (the simulation always runs at 60 Hz)',
  ],
  [
    'GAME_SPECTATOR_RATE_HZ',
    '30',
    'game.state messages per second to spectators and replay viewers (droppable frames)',
  ],
  [
    'GAME_GRACE_MS',
    '15000',
    'How long a match stays paused for a player who disconnected; after that the player forfeits',
  ],
  [
    'GAME_INVITE_TTL_MS',
    '60000',
    'A match invite not accepted within this time expires (state aborted, reason invite_expired)',
  ],
  [
    'GAME_READY_TIMEOUT_MS',
    '60000',
    'Time for both players of an accepted or matched game to join and send game.ready; a no-show forfeits',
  ],
  ['GAME_COUNTDOWN_MS', '3000', 'Countdown before play starts and before it resumes after a pause'],
  [
    'GAME_MAX_INPUTS_PER_TICK',
    '4',
    'game.input messages one player may send per tick; more are answered with RATE_LIMITED and ignored',
  ],
  ['MATCHMAKING_TICK_MS', '1000', 'How often the matcher pairs waiting tickets'],
  ['MATCHMAKING_BASE_WINDOW', '100', 'Rating half-width a new matchmaking ticket accepts (±)'],
  [
    'MATCHMAKING_WIDEN_BY',
    '50',
    "How much a ticket's rating window widens every MATCHMAKING_WIDEN_EVERY_MS of waiting",
  ],
  ['MATCHMAKING_WIDEN_EVERY_MS', '5000', 'Waiting time per widening step of the rating window'],
  [
    'TOURNAMENT_JOIN_TIMEOUT_MS',
    '120000',
    'A tournament player who has not joined and readied their match this long after it was announced forfeits (both absent: a double forfeit)',
  ],
  [
    'TOURNAMENT_SCHEDULER_INTERVAL_MS',
    '1000',
    'How often the tournament scheduler starts due tournaments, creates pending games and enforces join timeouts',
  ],
  [
    'LOG_ELASTICSEARCH_URL',
    '(unset)',
    'Also ship logs straight to this Elasticsearch (with LOG_ELASTICSEARCH_API_KEY); stdout always gets them',
  ],
  [
    'LOG_ELASTICSEARCH_API_KEY',
    '(unset)',
    'Encoded API key with create_doc + auto_configure on logs-pong.* (`pongctl logs setup-security` mints one)',
  ],
  [
    'LOG_ELASTICSEARCH_NAMESPACE',
    'default',
    'Data stream namespace: logs go to logs-<dataset>-<namespace>',
  ],
  [
    'PONG_ADMIN_PASSWORD',
    '(random)',
    'Password of the `admin` account created on the first start with an empty database; when unset a random one is printed once on stderr and written to PONG_DATA_DIR/initial-admin-password (0600)',
  ],
  [
    'SMTP_URL',
    '(unset)',
    'smtp(s)://user:pass@host:port for password-reset mail; unset writes mail to the mail_outbox table and logs its id',
  ],
  ['MAIL_FROM', 'pongctl <no-reply@localhost>', 'Sender of account mail'],
  ['PUBLIC_URL', 'http://HOST:PORT', 'Public base URL used in password-reset links'],
  [
    'AUTH_LOGIN_MAX_FAILURES',
    '5',
    'Failed logins allowed per account and per IP within the window, then 429',
  ],
  ['AUTH_LOGIN_WINDOW_MINUTES', '15', 'Window of the failed-login counters'],
  ['AUTH_RATE_LIMIT_PER_MINUTE', '60', 'Requests per minute one IP may send to /api/v1/auth/*'],
  ['ACCESS_TOKEN_TTL_SECONDS', '900', 'Lifetime of access tokens (JWT)'],
  ['REFRESH_TOKEN_TTL_DAYS', '30', 'Lifetime of refresh tokens; each refresh rotates the token'],
  ['PASSWORD_RESET_TTL_MINUTES', '30', 'Lifetime of password-reset tokens (single use)'],
  [
    'PASSWORD_SCRYPT_LOG2N',
    '15',
    'scrypt cost: N = 2^value (r=8, p=1); 15 uses 32 MiB and ≥ 20 ms per hash',
  ],
  [
    'LOG_SHIPPING_BUFFER',
    '10000',
    'Log lines held in memory while Elasticsearch is slow or down; the oldest are dropped beyond it',
  ],
];

/** Every variable loadConfig reads, so tests can prove each one is documented. */
export const configVariableNames: readonly string[] = Object.keys(envSchema.shape);
