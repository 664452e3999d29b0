/**
 * The process logger: pino writing JSON lines in Elastic Common Schema field
 * names (`@timestamp`, `log.level`, `message`, `service.*`, `event.dataset`,
 * `error.*`). One root logger per process; the composition root derives one
 * child per stream (access, app, audit, game) so every line carries exactly one
 * `event.dataset`. Secrets and personal data are redacted by path wherever they
 * appear (`scrubSecrets`), whichever stream writes them.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { ecsVersion, logStreams, type LogStream } from '../contract/logs.ts';
import { outageLineFilter, repeatGate } from './dependency-log.ts';
import { toAppError } from './errors.ts';

export type { Logger };

/** Keys whose values never reach a log line, at any depth: credentials, reset links, and who a user is beyond their id. */
export const secretKeys = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'currentPassword',
  'newPassword',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'resetToken',
  'resetLink',
  'resetUrl',
  'apiKey',
  'api_key',
  'secret',
  'clientSecret',
  'otp',
  'totpCode',
  'email',
  'username',
] as const;

/** ECS dotted keys that hold headers, bodies, query strings or personal data. */
const dottedSecretKeys = [
  'http.request.headers',
  'http.response.headers',
  'http.request.body',
  'http.request.body.content',
  'url.query',
  'url.original',
  'user.email',
  'user.name',
  'user.full_name',
] as const;

const censor = '[REDACTED]';
const secretKeySet: ReadonlySet<string> = new Set([
  ...secretKeys,
  ...secretKeys.map((k) => k.toLowerCase()),
  ...secretKeys.map((k) => k[0]!.toUpperCase() + k.slice(1)),
  ...dottedSecretKeys,
]);
const maxDepth = 4;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Censors every secret key in a log object, in nested plain objects and arrays
 * up to four levels deep. Copy-on-write: an object without secrets is returned
 * as is, so the common case costs a few Set lookups. (pino's path-based
 * `redact` with wildcards at every depth measured ≈ 45 µs per line here.)
 */
export function scrubSecrets<T>(value: T, depth = 0): T {
  if (Array.isArray(value)) {
    if (depth >= maxDepth) return value;
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const next = item !== null && typeof item === 'object' ? scrubSecrets(item, depth + 1) : item;
      if (next !== item) (copy ??= [...value])[i] = next;
    });
    return (copy ?? value) as T;
  }
  if (value === null || typeof value !== 'object' || !isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    const item = value[key];
    let next = item;
    if (secretKeySet.has(key)) next = item === undefined ? item : censor;
    else if (item !== null && typeof item === 'object' && depth < maxDepth)
      next = scrubSecrets(item, depth + 1);
    if (next !== item) (out ??= { ...value })[key] = next;
  }
  return (out ?? value) as T;
}

export interface LoggerOptions {
  level: string;
  service: { name: string; version: string; environment: string };
  /** Where lines go; stdout when omitted. Tests pass a memory stream, the shipper a tee. */
  destination?: DestinationStream;
}

/** ECS `error.*` for an Error: type, message and the stack (the stack is what a 5xx investigation needs). */
export function ecsError(err: unknown): {
  type: string;
  message: string;
  stack_trace?: string;
  code?: string;
} {
  if (!(err instanceof Error)) return { type: typeof err, message: String(err) };
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    message: err.message,
    ...(err.stack ? { stack_trace: err.stack } : {}),
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/**
 * `event.dataset` and `log.logger` belong to the stream loggers' bindings: a
 * call that repeats them would write the key twice, and Elasticsearch rejects
 * documents with duplicate keys. So the call's copy is dropped.
 */
function ownedByStream(object: Record<string, unknown>): Record<string, unknown> {
  if (!('event.dataset' in object) && !('log.logger' in object)) return object;
  const { 'event.dataset': _dataset, 'log.logger': _logger, ...rest } = object;
  return rest;
}

/** stdout writes wait for this many bytes, or this long; see stdoutDestination. */
const stdoutBatchBytes = 65536;
const stdoutMaxDelayMs = 100;

/**
 * stdout for pino: lines gathered into batches of at least 64 KiB, at most
 * 100 ms late, each batch encoded once and handed to sonic-boom (what
 * pino.destination builds). Each write to stdout is a round trip through
 * libuv's thread pool and wakes whatever reads the pipe; on two cores that
 * work slows the event loop's own thread. Measured per /healthz request, the
 * access log cost 12 µs of CPU with 8 KiB batches and 1-3 µs with 64 KiB ones
 * (and encoding line by line cost an allocation each). sonic-boom takes
 * buffers (in its string mode it measures the whole pending chunk on every
 * write). Same bytes, same order.
 *
 * pino flushes sonic-boom on exit by calling its flushSync (and a caller may
 * call flush); both are wrapped so the batch being gathered goes first and no
 * line is lost.
 */
export function stdoutDestination(): DestinationStream & {
  flush(cb?: (err?: Error) => void): void;
  flushSync(): void;
  end(): void;
} {
  const sonic = pino.destination({ dest: 1, sync: false, contentMode: 'buffer' });
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const push = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (pending === '') return;
    sonic.write(Buffer.from(pending, 'utf8') as unknown as string);
    pending = '';
  };
  const flush = sonic.flush.bind(sonic);
  const flushSync = sonic.flushSync.bind(sonic);
  sonic.flush = (cb?: (err?: Error) => void) => {
    push();
    flush(cb);
  };
  sonic.flushSync = () => {
    // At exit an asynchronous write would never finish: hand the last batch over synchronously.
    (sonic as unknown as { sync: boolean }).sync = true;
    push();
    flushSync();
  };
  return {
    write: (line: string) => {
      pending += line;
      // Characters never outnumber UTF-8 bytes, so this never waits past the byte target.
      if (pending.length >= stdoutBatchBytes) push();
      else timer ??= setTimeout(push, stdoutMaxDelayMs).unref();
    },
    flush: (cb) => sonic.flush(cb),
    flushSync: () => sonic.flushSync(),
    end: () => {
      push();
      sonic.end();
    },
  };
}

/**
 * pino's `timestamp` as `,"@timestamp":"<ISO 8601>"`. Formatting a Date costs
 * ≈ 1.5 µs and busy servers write several lines per millisecond, so the text
 * is reused within the same millisecond (the value has ms resolution anyway).
 */
function isoTimestamp(): () => string {
  let lastMs = -1;
  let text = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      text = `,"@timestamp":"${new Date(now).toISOString()}"`;
    }
    return text;
  };
}

/** The cause of a dependency outage (a message of toAppError), or undefined for any other error. */
function outageCause(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const mapped = toAppError(err);
  return mapped.code === 'UNAVAILABLE' ? mapped.message : undefined;
}

/** The root logger. Lines written through it directly carry no dataset: use `streamLoggers`. */
export function createLogger(options: LoggerOptions): Logger {
  const outages = outageLineFilter(repeatGate(10_000), outageCause);
  return pino(
    {
      level: options.level,
      messageKey: 'message',
      timestamp: isoTimestamp(),
      base: {
        'ecs.version': ecsVersion,
        'service.name': options.service.name,
        'service.version': options.service.version,
        'service.environment': options.service.environment,
        'process.pid': process.pid,
      },
      formatters: {
        level: (label) => ({ 'log.level': label }),
        log: (object) => scrubSecrets(ownedByStream(object)),
      },
      errorKey: 'error',
      serializers: { error: ecsError, err: ecsError },
      hooks: {
        logMethod(args, method) {
          const line = outages(args);
          if (line) method.apply(this, line as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? stdoutDestination(),
  );
}

/** The few pino internals the pre-serialised writer reuses, so its lines are byte-for-byte pino's. */
interface PinoInternals {
  [key: symbol]: unknown;
}

/**
 * A writer of one kind of line whose fields the caller has already serialised,
 * for the hottest path: the access log, one line per request. It writes what
 * `logger[level](fields, message)` would (pino's level text, timestamp and
 * bindings, the same destination) but skips pino's per-line work: the hooks,
 * the formatters, the scrubber and a JSON pass over every value, which cost more
 * than formatting the line itself. `fields` is JSON members (`,"key":value`…)
 * built only from values that can hold no secret.
 */
export function preSerialisedLine(
  logger: Logger,
  message: string,
): (level: 'info' | 'error', fields: string) => void {
  const internals = logger as unknown as PinoInternals;
  const { lsCacheSym, timeSym, chindingsSym, streamSym } = pino.symbols;
  const levelText = internals[lsCacheSym] as Record<number, string>;
  const time = internals[timeSym] as () => string;
  const bindings = internals[chindingsSym] as string;
  const stream = internals[streamSym] as DestinationStream;
  const tail = `,"message":${JSON.stringify(message)}}\n`;
  return (level, fields) => {
    if (!logger.isLevelEnabled(level)) return;
    stream.write(`${levelText[logger.levels.values[level]!]}${time()}${bindings}${fields}${tail}`);
  };
}

export type StreamLoggers = Readonly<Record<LogStream, Logger>>;

/** One child per stream, created once: each line gets its `event.dataset` and `log.logger` from here only. */
export function streamLoggers(root: Logger): StreamLoggers {
  const entries = Object.entries(logStreams).map(([stream, spec]) => [
    stream,
    root.child({ 'event.dataset': spec.dataset, 'log.logger': spec.logger }),
  ]);
  return Object.freeze(Object.fromEntries(entries)) as StreamLoggers;
}
