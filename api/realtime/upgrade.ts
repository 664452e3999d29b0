/**
 * The HTTP side of the upgrade: where the access token is read from, and how
 * a refused upgrade is answered (a plain HTTP response with the error
 * envelope, before any WebSocket exists).
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AppError } from '../contract/errors.ts';

/** `Authorization: Bearer <token>`, else the `access_token` query parameter (browsers cannot set headers on a WebSocket). */
export function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  return url.searchParams.get('access_token') || undefined;
}

/** Answers the upgrade request with an HTTP error and closes the TCP connection. */
export function refuseUpgrade(socket: Duplex, error: AppError): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  const headers = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
  ];
  if (error.code === 'UNAUTHENTICATED') headers.push('WWW-Authenticate: Bearer');
  for (const [name, value] of Object.entries(error.headers)) headers.push(`${name}: ${value}`);
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}
