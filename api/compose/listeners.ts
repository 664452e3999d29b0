/**
 * The HTTP listeners of a server: the API (with the WebSocket upgrade) and
 * the /metrics listener, each on its own port, and how one closes within a
 * grace period.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../core/config.ts';
import { engineOf } from '../core/db.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { metricsListener, metricsPath } from '../http/metrics-listener.ts';
import type { Gateway } from '../realtime/gateway.ts';

export interface Listening {
  url: string;
  port: number;
  metricsUrl: string;
}

/** Creates both servers, hands them to `started` (so shutdown closes them even if listening fails), and listens. */
export async function startListeners(
  options: {
    config: Config;
    logger: Logger;
    metrics: Metrics;
    app: { callback(): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> };
    gateway: Gateway;
  },
  started: (servers: http.Server[]) => void,
): Promise<Listening> {
  const { config, logger } = options;
  const handle = options.app.callback();
  const server = http.createServer((req, res) => {
    void handle(req, res);
  });
  server.keepAliveTimeout = 5_000;
  server.on('upgrade', (req, socket, head) => options.gateway.handleUpgrade(req, socket, head));
  const metricsServer = http.createServer(metricsListener(options.metrics, logger));
  started([server, metricsServer]);
  const [address, metricsAddress] = await Promise.all([
    listen(server, config.port, config.host),
    listen(metricsServer, config.metrics.port, config.metrics.host),
  ]);
  const url = urlOf(address);
  const metricsUrl = urlOf(metricsAddress);
  logger.info({ 'url.full': url, engine: engineOf(config) }, 'api listening');
  logger.info({ 'url.full': `${metricsUrl}${metricsPath}` }, 'metrics listening');
  return { url, port: address.port, metricsUrl };
}

/** Stops accepting, waits for in-flight requests up to `timeoutMs`, then cuts what is left. */
export function closeServer(server: http.Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
