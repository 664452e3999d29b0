/**
 * Bench child: the reference for the HTTP stack. A bare node:http server that
 * answers GET /healthz with the same JSON body as the API and about the same
 * number of response headers (request id, security headers), nothing else.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { announceReady, onStop } from './protocol.ts';

const body = JSON.stringify({ data: { status: 'ok' }, meta: {} });
const length = String(Buffer.byteLength(body));

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' || req.url !== '/healthz') {
    res
      .writeHead(404, { 'Content-Type': 'application/json; charset=utf-8' })
      .end('{"error":{"code":"NOT_FOUND"}}');
    return;
  }
  res.writeHead(200, {
    'X-Request-Id': randomUUID(),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'Cross-Origin-Resource-Policy': 'same-site',
    'Cache-Control': 'no-store',
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': length,
  });
  res.end(body);
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  onStop(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  announceReady(`http://127.0.0.1:${port}`);
});
