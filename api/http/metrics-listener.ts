/**
 * The Prometheus listener: `GET /metrics` on its own address (METRICS_HOST,
 * METRICS_PORT, loopback by default), so the public API port never exposes
 * the process's internals. Plain node:http: a scrape needs none of the API's
 * middleware, and scrapes do not count as API requests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';

export const metricsPath = '/metrics';

function answer(res: ServerResponse, status: number, text: string, headers = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

/** The request listener of the metrics server. */
export function metricsListener(metrics: Metrics, logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== metricsPath) return answer(res, 404, `Only ${metricsPath} is served here\n`);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return answer(res, 405, 'Method not allowed\n', { allow: 'GET, HEAD' });
    metrics.registry.metrics().then(
      (text) => answer(res, 200, text, { 'content-type': metrics.registry.contentType }),
      (err: unknown) => {
        logger.error({ err }, 'metrics collection failed');
        answer(res, 500, 'Metrics collection failed\n');
      },
    );
  };
}
