/**
 * Optional direct shipping of the API's log lines to Elasticsearch (when
 * LOG_ELASTICSEARCH_URL and LOG_ELASTICSEARCH_API_KEY are set). The pino
 * destination it provides tees every line: stdout first, always, then a
 * bounded in-memory queue that a background pump ships with the 9.x client's
 * `helpers.bulk` (`create` ops into `logs-<dataset>-<namespace>`).
 *
 * Logging never waits for Elasticsearch: `write` only appends to the queue.
 * When Elasticsearch is slow or down the queue fills, the oldest lines are
 * dropped and counted, failed batches are retried with capped exponential
 * back-off, and delivery resumes by itself. `close` flushes what is left.
 */
import type { DestinationStream } from 'pino';
import type { Client } from '@elastic/elasticsearch';
import { dataStreamName } from '../contract/logs.ts';
import { BoundedLineQueue } from './log-queue.ts';

/** Where the shipper reports: log_shipping_{shipped,dropped,errors}_total and log_shipping_queue. */
export interface ShipperMetrics {
  shipped(count: number): void;
  dropped(count: number): void;
  error(): void;
  queue(size: number): void;
}

export interface LogShipperOptions {
  url: string;
  apiKey: string;
  namespace: string;
  /** Lines kept while Elasticsearch is unreachable. */
  bufferSize: number;
  /** Byte cap of the queue (UTF-16 estimate); default 32 MiB. */
  bufferBytes?: number;
  /** Where every line goes first (stdout in production). */
  output: DestinationStream;
  metrics: ShipperMetrics;
  batchSize?: number;
  /** Batches on the wire at once (default 2: one is serialised while the other travels). */
  concurrency?: number;
  flushIntervalMs?: number;
  requestTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
}

export interface LogShipperStats {
  queued: number;
  queuedBytes: number;
  shipped: number;
  dropped: number;
  errors: number;
}

export interface LogShipper {
  destination: DestinationStream;
  stats(): LogShipperStats;
  /** Stops the pump after shipping what is queued, within `timeoutMs`; closes the client. */
  close(timeoutMs: number): Promise<void>;
}

const datasetKey = '"event.dataset":"';
const datasetName = /^[a-z0-9_.]{1,100}$/;
const fallbackDataset = 'pong.api';

/** The data stream a line belongs to, from its `event.dataset` (lines without one are app logs). */
export function indexForLine(line: string, namespace: string, cache: Map<string, string>): string {
  const at = line.indexOf(datasetKey);
  const start = at + datasetKey.length;
  const raw = at < 0 ? fallbackDataset : line.slice(start, line.indexOf('"', start));
  const dataset = datasetName.test(raw) ? raw : fallbackDataset;
  let index = cache.get(dataset);
  if (index === undefined) {
    index = dataStreamName(dataset, namespace);
    cache.set(dataset, index);
  }
  return index;
}

/** Builds the shipper; imports the Elasticsearch client only now, so unconfigured servers never load it. */
export async function createLogShipper(options: LogShipperOptions): Promise<LogShipper> {
  const { Client: EsClient } = await import('@elastic/elasticsearch');
  const client = new EsClient({
    node: options.url,
    auth: { apiKey: options.apiKey },
    maxRetries: 0, // the pump retries whole batches itself, with back-off
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    compression: false,
  });
  return buildShipper(client, options);
}

interface PumpState {
  timer: NodeJS.Timeout | undefined;
  inFlight: Set<Promise<void>>;
  failures: number;
  retryAt: number;
  closing: boolean;
  stats: LogShipperStats;
}

function buildShipper(client: Client, options: LogShipperOptions): LogShipper {
  const queue = new BoundedLineQueue({
    maxEntries: options.bufferSize,
    maxBytes: options.bufferBytes ?? 32 * 1024 * 1024,
  });
  const batchSize = options.batchSize ?? 1000;
  const concurrency = options.concurrency ?? 2;
  const flushIntervalMs = options.flushIntervalMs ?? 1000;
  const backoff = options.backoff ?? { initialMs: 250, maxMs: 10_000 };
  const indexCache = new Map<string, string>();
  const state: PumpState = {
    timer: undefined,
    inFlight: new Set(),
    failures: 0,
    retryAt: 0,
    closing: false,
    stats: { queued: 0, queuedBytes: 0, shipped: 0, dropped: 0, errors: 0 },
  };

  const countDropped = (n: number) => {
    if (n === 0) return;
    state.stats.dropped += n;
    options.metrics.dropped(n);
  };

  const shipBatch = async (batch: string[]): Promise<void> => {
    try {
      const result = await client.helpers.bulk<string>({
        datasource: batch,
        onDocument: (line) => ({
          create: { _index: indexForLine(line, options.namespace, indexCache) },
        }),
        flushBytes: 50 * 1024 * 1024, // one request per batch: the batch size bounds it
        concurrency: 1,
        retries: 2, // per-document 429s only
        wait: 200,
        onDrop: () => countDropped(1),
      });
      state.stats.shipped += result.successful;
      options.metrics.shipped(result.successful);
      state.failures = 0;
      state.retryAt = 0;
    } catch {
      state.stats.errors++;
      options.metrics.error();
      state.failures++;
      state.retryAt =
        Date.now() + Math.min(backoff.maxMs, backoff.initialMs * 2 ** (state.failures - 1));
      countDropped(queue.unshift(batch));
    } finally {
      options.metrics.queue(queue.length);
    }
  };

  const send = () => {
    state.timer = undefined;
    const batch = queue.take(batchSize);
    if (batch.length === 0) return;
    const shipping: Promise<void> = shipBatch(batch).finally(() => {
      state.inFlight.delete(shipping);
      schedule();
    });
    state.inFlight.add(shipping);
    schedule(); // a second batch may go out while the first is on the wire
  };

  const schedule = () => {
    if (state.timer || state.inFlight.size >= concurrency || state.closing || queue.length === 0)
      return;
    const wait = Math.max(0, state.retryAt - Date.now());
    // While backing off, or with a partial batch, one request at a time is plenty.
    if (state.inFlight.size > 0 && (wait > 0 || queue.length < batchSize)) return;
    const delay = wait > 0 ? wait : queue.length >= batchSize ? 0 : flushIntervalMs;
    state.timer = setTimeout(send, delay);
    state.timer.unref();
  };

  const enqueue = (line: string) => {
    countDropped(queue.push(line));
    schedule();
  };

  const destination: DestinationStream & { flush?(cb?: (err?: Error) => void): void } = {
    write(chunk: string) {
      options.output.write(chunk);
      if (state.closing) return;
      // pino writes exactly one newline-terminated line per call (JSON escapes inner newlines).
      const last = chunk.length - 1;
      if (last < 0) return;
      enqueue(chunk.charCodeAt(last) === 10 ? chunk.slice(0, last) : chunk);
    },
    flush(cb?: (err?: Error) => void) {
      const out = options.output as { flush?(cb?: (err?: Error) => void): void };
      if (out.flush) out.flush(cb);
      else cb?.();
    },
  };

  const drain = async (deadline: number) => {
    await Promise.all(state.inFlight);
    while (queue.length > 0 && Date.now() < deadline) {
      const before = state.stats.errors;
      await shipBatch(queue.take(batchSize));
      if (state.stats.errors > before) break; // Elasticsearch is down: do not spin until the deadline
    }
  };

  return {
    destination,
    stats: () => ({ ...state.stats, queued: queue.length, queuedBytes: queue.bytes }),
    async close(timeoutMs) {
      state.closing = true;
      clearTimeout(state.timer);
      state.timer = undefined;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([drain(Date.now() + timeoutMs), timeout]);
      clearTimeout(timer);
      countDropped(queue.take(queue.length).length);
      await client.close();
    },
  };
}
