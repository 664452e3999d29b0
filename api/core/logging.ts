/**
 * Builds the process's logging once, for the composition root: the root
 * pino logger, its per-stream children, and — when LOG_ELASTICSEARCH_* is set —
 * the shipper that tees every line to Elasticsearch. `close` flushes both.
 */
import type { DestinationStream } from 'pino';
import type { Config } from './config.ts';
import {
  createLogger,
  stdoutDestination,
  streamLoggers,
  type Logger,
  type StreamLoggers,
} from './logger.ts';
import type { Metrics } from './metrics.ts';

export interface Logging {
  /** The application stream (dataset pong.api); the server's own messages go here. */
  logger: Logger;
  logs: StreamLoggers;
  /** Ships what is buffered (bounded by `timeoutMs`) and flushes stdout. */
  close(timeoutMs: number): Promise<void>;
}

export interface LoggingOptions {
  config: Config;
  metrics: Metrics;
  version: string;
  /** Tests capture lines here instead of stdout. */
  destination?: DestinationStream;
}

export async function createLogging(options: LoggingOptions): Promise<Logging> {
  const { config } = options;
  const output = options.destination ?? stdoutDestination();
  const shipping = config.logShipping;
  // The shipper module (and the Elasticsearch client it imports) loads only when shipping is configured.
  const shipper = shipping
    ? await import('./log-shipper.ts').then((m) =>
        m.createLogShipper({ ...shipping, output, metrics: options.metrics.logShipping }),
      )
    : undefined;
  const root = createLogger({
    level: config.logLevel,
    service: { name: 'pongctl-api', version: options.version, environment: config.nodeEnv },
    destination: shipper?.destination ?? output,
  });
  const logs = streamLoggers(root);
  if (shipping)
    logs.app.info(
      { 'url.full': shipping.url, 'data_stream.namespace': shipping.namespace },
      'shipping logs to Elasticsearch',
    );
  return {
    logger: logs.app,
    logs,
    async close(timeoutMs) {
      if (shipper) await shipper.close(timeoutMs);
      await new Promise<void>((resolve) => root.flush(() => resolve()));
    },
  };
}
