/**
 * Every environment variable the API reads, once: its schema with the
 * default, the README section it belongs to and what it means. The schema
 * loadConfig parses (config.ts) and the README configuration table
 * (config-docs.ts) are derived from this table.
 */
import { z } from 'zod';
import { booleanString, databaseUrl, originList, port, positiveInt } from './config-values.ts';

export const sections = [
  'Server',
  'Database',
  'Redis and instances',
  'Logs',
  'Accounts',
  'WebSocket',
  'Chat',
  'Games',
  'Matchmaking',
  'Tournaments',
] as const;
export type Section = (typeof sections)[number];

interface Setting {
  section: Section;
  schema: z.ZodType;
  doc: string;
  /** The default as the README states it, when the schema has none (computed at start-up). */
  shown?: string;
}

export const settings = {
  PORT: {
    section: 'Server',
    schema: port.default(3000),
    doc: 'TCP port the API listens on (0 picks a free one)',
  },
  HOST: {
    section: 'Server',
    schema: z.string().min(1).default('127.0.0.1'),
    doc: 'Address the API binds to; 0.0.0.0 in containers',
  },
  METRICS_PORT: {
    section: 'Server',
    schema: port.default(9464),
    doc: 'TCP port of the Prometheus /metrics listener, apart from the API port (0 picks a free one)',
  },
  METRICS_HOST: {
    section: 'Server',
    schema: z.string().min(1).default('127.0.0.1'),
    doc: 'Address the /metrics listener binds to; only the scraper should reach it (compose: the internal network)',
  },
  PONG_DATA_DIR: {
    section: 'Server',
    schema: z.string().min(1).default('./.data'),
    doc: 'Embedded database, generated secrets and uploads',
  },
  CORS_ORIGINS: {
    section: 'Server',
    schema: originList.default([]),
    doc: 'Comma-separated origins allowed to call the API from a browser, or *',
  },
  BODY_LIMIT_BYTES: {
    section: 'Server',
    schema: positiveInt.default(1024 * 1024),
    doc: 'Largest JSON request body; larger answers 413',
  },
  SHUTDOWN_TIMEOUT_MS: {
    section: 'Server',
    schema: positiveInt.default(10_000),
    doc: 'How long SIGTERM waits for in-flight requests',
  },
  TRUST_PROXY: {
    section: 'Server',
    schema: booleanString.default(false),
    doc: 'Trust X-Forwarded-For from a reverse proxy',
  },
  NODE_ENV: {
    section: 'Server',
    schema: z.enum(['development', 'production', 'test']).default('development'),
    doc: 'development, production or test',
  },
  DATABASE_URL: {
    section: 'Database',
    schema: databaseUrl.optional(),
    doc: 'postgres://… uses PostgreSQL; unset uses embedded PGlite in PONG_DATA_DIR; memory:// keeps it in memory',
  },
  DATABASE_POOL_MAX: {
    section: 'Database',
    schema: positiveInt.default(10),
    doc: 'PostgreSQL connection pool size',
  },
  DATABASE_STATEMENT_TIMEOUT_MS: {
    section: 'Database',
    schema: positiveInt.default(5_000),
    doc: 'Longest a PostgreSQL statement may run, also against a frozen server; beyond it the request answers 503 UNAVAILABLE with Retry-After',
  },
  DATABASE_ACQUIRE_TIMEOUT_MS: {
    section: 'Database',
    schema: positiveInt.default(2_000),
    doc: 'Longest a request waits for a PostgreSQL connection (pool full, or the server not answering); beyond it 503 UNAVAILABLE with Retry-After',
  },
  REDIS_URL: {
    section: 'Redis and instances',
    schema: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'must be redis://host:port')
      .optional(),
    doc: 'redis://host:port: cross-instance bus and shared rate limits',
  },
  REDIS_COMMAND_TIMEOUT_MS: {
    section: 'Redis and instances',
    schema: positiveInt.default(500),
    doc: 'Longest a Redis command may take; commands never wait for a reconnect. While Redis is away, throttles and rate limits count in this instance and presence answers from its own sockets',
  },
  REDIS_PREFIX: {
    section: 'Redis and instances',
    schema: z
      .string()
      .regex(/^[\w.:-]{1,64}$/, 'must be 1–64 letters, digits or _ . : -')
      .default('pongctl:'),
    doc: 'Prefix of the Redis pub/sub channels of the bus; give each deployment sharing a Redis its own',
  },
  INSTANCE_ID: {
    section: 'Redis and instances',
    schema: z
      .string()
      .regex(/^[\w.-]{1,64}$/, 'must be 1–64 letters, digits or _ . -')
      .optional(),
    doc: 'This instance among several (logs, /admin/instances, match ownership); give each replica its own',
    shown: '(random per start)',
  },
  INSTANCE_LEASE_TTL_MS: {
    section: 'Redis and instances',
    schema: positiveInt.min(300, 'must be at least 300').default(10_000),
    doc: "Lease of an instance and of each singleton job (renewed every third); a dead instance's matches are taken over within this + 5 s",
  },
  LOG_LEVEL: {
    section: 'Logs',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    doc: 'fatal, error, warn, info, debug, trace or silent',
  },
  ACCESS_LOG: {
    section: 'Logs',
    schema: booleanString.default(true),
    doc: 'One log line per request',
  },
  LOG_ELASTICSEARCH_URL: {
    section: 'Logs',
    schema: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    doc: 'Also ship logs straight to this Elasticsearch (with LOG_ELASTICSEARCH_API_KEY); stdout always gets them',
  },
  LOG_ELASTICSEARCH_API_KEY: {
    section: 'Logs',
    schema: z.string().min(8, 'must be an Elasticsearch API key (base64 id:key)').optional(),
    doc: 'Encoded API key with create_doc + auto_configure on logs-pong.* (`pongctl logs setup-security` mints one)',
  },
  LOG_ELASTICSEARCH_NAMESPACE: {
    section: 'Logs',
    schema: z
      .string()
      .regex(
        /^[a-z0-9_]{1,100}$/,
        'must be lowercase letters, digits or _ (the data stream namespace)',
      )
      .default('default'),
    doc: 'Data stream namespace: logs go to logs-<dataset>-<namespace>',
  },
  LOG_SHIPPING_BUFFER: {
    section: 'Logs',
    schema: positiveInt.default(10_000),
    doc: 'Log lines held in memory while Elasticsearch is slow or down; the oldest are dropped beyond it',
  },
  PONG_JWT_SECRET: {
    section: 'Accounts',
    schema: z.string().min(32, 'must be at least 32 characters').optional(),
    doc: 'Signing key for access tokens (≥ 32 chars); generated once into PONG_DATA_DIR/jwt-secret (mode 0600) when unset',
    shown: '(generated)',
  },
  PONG_ADMIN_PASSWORD: {
    section: 'Accounts',
    schema: z
      .string()
      .min(8, 'must be at least 8 characters')
      .max(128, 'must be at most 128 characters')
      .optional(),
    doc: 'Password of the `admin` account created on the first start with an empty database; when unset a random one is printed once on stderr and written to PONG_DATA_DIR/initial-admin-password (0600)',
    shown: '(random)',
  },
  SMTP_URL: {
    section: 'Accounts',
    schema: z
      .string()
      .regex(/^smtps?:\/\/\S+$/, 'must be smtp://user:pass@host:port or smtps://…')
      .optional(),
    doc: 'smtp(s)://user:pass@host:port for password-reset mail; unset writes mail to the mail_outbox table and logs its id',
  },
  MAIL_FROM: {
    section: 'Accounts',
    schema: z.string().min(3).default('pongctl <no-reply@localhost>'),
    doc: 'Sender of account mail',
  },
  PUBLIC_URL: {
    section: 'Accounts',
    schema: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    doc: 'Public base URL used in password-reset links',
    shown: 'http://HOST:PORT',
  },
  AUTH_LOGIN_MAX_FAILURES: {
    section: 'Accounts',
    schema: positiveInt.default(5),
    doc: 'Failed sign-ins allowed per (account, IP) within the window, then 429 for that pair; also the limit of wrong current passwords per user',
  },
  AUTH_LOGIN_IP_MAX_FAILURES: {
    section: 'Accounts',
    schema: positiveInt.default(100),
    doc: 'Failed sign-ins allowed per IP across all accounts within the window, then 429 for that IP',
  },
  AUTH_LOGIN_WINDOW_MINUTES: {
    section: 'Accounts',
    schema: positiveInt.default(15),
    doc: 'Window of the failed-login counters',
  },
  AUTH_RATE_LIMIT_PER_MINUTE: {
    section: 'Accounts',
    schema: positiveInt.default(60),
    doc: 'Requests per minute one IP may send to /api/v1/auth/*',
  },
  ACCESS_TOKEN_TTL_SECONDS: {
    section: 'Accounts',
    schema: positiveInt.default(900),
    doc: 'Lifetime of access tokens (JWT)',
  },
  REFRESH_TOKEN_TTL_DAYS: {
    section: 'Accounts',
    schema: positiveInt.default(30),
    doc: 'Lifetime of refresh tokens; each refresh rotates the token',
  },
  PASSWORD_RESET_TTL_MINUTES: {
    section: 'Accounts',
    schema: positiveInt.default(30),
    doc: 'Lifetime of password-reset tokens (single use)',
  },
  PASSWORD_SCRYPT_LOG2N: {
    section: 'Accounts',
    schema: z.coerce
      .number({ error: 'must be a whole number' })
      .int()
      .min(14, 'must be at least 14')
      .max(20, 'must be at most 20')
      .default(15),
    doc: 'scrypt cost: N = 2^value (r=8, p=1); 15 uses 32 MiB and ≥ 20 ms per hash',
  },
  WS_MAX_MESSAGE_BYTES: {
    section: 'WebSocket',
    schema: positiveInt.default(16 * 1024),
    doc: 'Largest WebSocket message a client may send; larger closes the socket with 1009',
  },
  WS_RATE_PER_SECOND: {
    section: 'WebSocket',
    schema: z.coerce
      .number({ error: 'must be a number' })
      .positive('must be greater than 0')
      .default(20),
    doc: 'Messages per second one socket may send on average (token bucket refill); beyond the burst the socket is closed with 4429. game.input has its own budget (GAME_MAX_INPUTS_PER_TICK)',
  },
  WS_BURST: {
    section: 'WebSocket',
    schema: positiveInt.default(40),
    doc: 'Token bucket size: messages a socket may send at once',
  },
  WS_MAX_SOCKETS_PER_USER: {
    section: 'WebSocket',
    schema: positiveInt.default(5),
    doc: 'Open sockets per user on one instance; a new one closes the oldest with 4409',
  },
  WS_PING_INTERVAL_MS: {
    section: 'WebSocket',
    schema: positiveInt.default(30_000),
    doc: 'Protocol ping interval; a socket that has not answered the previous ping is terminated',
  },
  WS_BACKPRESSURE_BYTES: {
    section: 'WebSocket',
    schema: positiveInt.default(64 * 1024),
    doc: 'Send buffer above which droppable frames (typing, presence, spectator frames) are skipped; at 16× a socket is closed with 1013',
  },
  CHAT_RATE_LIMIT: {
    section: 'Chat',
    schema: positiveInt.default(20),
    doc: 'Chat messages one user may send per CHAT_RATE_WINDOW_SECONDS (HTTP and WebSocket together, shared through Redis when set); more answers RATE_LIMITED',
  },
  CHAT_RATE_WINDOW_SECONDS: {
    section: 'Chat',
    schema: positiveInt.default(10),
    doc: 'Window of the per-user chat message limit',
  },
  CHAT_TYPING_INTERVAL_MS: {
    section: 'Chat',
    schema: positiveInt.default(2_000),
    doc: 'At most one forwarded chat.typing per user per conversation in this interval; the rest are dropped',
  },
  GAME_STATE_RATE_HZ: {
    section: 'Games',
    schema: positiveInt.max(60, 'must be at most 60 (the simulation rate)').default(60),
    doc: 'game.state messages per second to each player (the simulation always runs at 60 Hz)',
  },
  GAME_SPECTATOR_RATE_HZ: {
    section: 'Games',
    schema: positiveInt.max(60, 'must be at most 60 (the simulation rate)').default(30),
    doc: 'game.state messages per second to spectators and replay viewers (droppable frames)',
  },
  GAME_GRACE_MS: {
    section: 'Games',
    schema: positiveInt.default(15_000),
    doc: 'How long a match stays paused for a player who disconnected; after that the player forfeits',
  },
  GAME_INVITE_TTL_MS: {
    section: 'Games',
    schema: positiveInt.default(60_000),
    doc: 'A match invite not accepted within this time expires (state aborted, reason invite_expired)',
  },
  GAME_READY_TIMEOUT_MS: {
    section: 'Games',
    schema: positiveInt.default(60_000),
    doc: 'Time for both players of an accepted or matched game to join and send game.ready; a no-show forfeits',
  },
  GAME_COUNTDOWN_MS: {
    section: 'Games',
    schema: positiveInt.default(3_000),
    doc: 'Countdown before play starts and before it resumes after a pause',
  },
  GAME_MAX_INPUTS_PER_TICK: {
    section: 'Games',
    schema: positiveInt.default(4),
    doc: 'game.input messages one player may send per tick; more are answered with RATE_LIMITED and ignored, the socket stays open. game.input does not count against WS_RATE_PER_SECOND; only a flood beyond twice 60 × this per second closes the socket with 4429',
  },
  MATCHMAKING_TICK_MS: {
    section: 'Matchmaking',
    schema: positiveInt.default(1_000),
    doc: 'How often the matcher pairs waiting tickets',
  },
  MATCHMAKING_BASE_WINDOW: {
    section: 'Matchmaking',
    schema: positiveInt.default(100),
    doc: 'Rating half-width a new matchmaking ticket accepts (±)',
  },
  MATCHMAKING_WIDEN_BY: {
    section: 'Matchmaking',
    schema: positiveInt.default(50),
    doc: "How much a ticket's rating window widens every MATCHMAKING_WIDEN_EVERY_MS of waiting",
  },
  MATCHMAKING_WIDEN_EVERY_MS: {
    section: 'Matchmaking',
    schema: positiveInt.default(5_000),
    doc: 'Waiting time per widening step of the rating window',
  },
  TOURNAMENT_JOIN_TIMEOUT_MS: {
    section: 'Tournaments',
    schema: positiveInt.default(120_000),
    doc: 'A tournament player who has not joined and readied their match this long after it was announced forfeits (both absent: a double forfeit)',
  },
  TOURNAMENT_SCHEDULER_INTERVAL_MS: {
    section: 'Tournaments',
    schema: positiveInt.default(1_000),
    doc: 'How often the tournament scheduler starts due tournaments, creates pending games and enforces join timeouts',
  },
} satisfies Record<string, Setting>;

type Shape = { [K in keyof typeof settings]: (typeof settings)[K]['schema'] };

/** The schema of the whole environment, built from the table. */
export const envSchema = z.object(
  Object.fromEntries(Object.entries(settings).map(([name, s]) => [name, s.schema])) as Shape,
);

/** The default of a variable as the README states it. */
export function shownDefault(s: Setting): string {
  if (s.shown) return s.shown;
  if (!(s.schema instanceof z.ZodDefault)) return '(unset)';
  const value: unknown = s.schema.def.defaultValue;
  if (Array.isArray(value)) return value.length > 0 ? value.join(',') : '(none)';
  return String(value);
}
