/**
 * The gateway WebSocket as the CLI opens it (`chat tail`, `spectate`, `play`,
 * `replay`): a bearer token in the upgrade, a refused upgrade or an
 * unreachable server as the AppError of its status, and a close code turned
 * back into the AppError of the contract's close-code table.
 */
import type { WebSocket } from 'ws';
import { AppError, type ErrorCode } from '../api/contract/errors.ts';
import { closeCodes, websocketPath } from '../api/contract/realtime.ts';

export function errorForClose(code: number, reason: string): AppError {
  const known = closeCodes.find((c) => c.code === code);
  const error: ErrorCode = known?.error ?? 'UNAVAILABLE';
  return new AppError(
    error,
    `The server closed the connection (${code}${reason ? `: ${reason}` : ''})`,
  );
}

function errorForStatus(status: number): AppError {
  if (status === 401)
    return new AppError(
      'UNAUTHENTICATED',
      'The WebSocket upgrade was refused (401); run `pongctl login`',
    );
  if (status === 403) return new AppError('FORBIDDEN', 'The WebSocket upgrade was refused (403)');
  return new AppError('UNAVAILABLE', `The WebSocket upgrade was refused (${status})`);
}

/**
 * Opens the gateway socket; `onFrame` is attached before the upgrade
 * completes, so the server's first frame (hello) is never missed. Resolves
 * once open. Later socket errors are left to the 'close' event that follows them.
 */
export async function openGateway(
  apiUrl: string,
  token: string,
  onFrame: (data: Buffer) => void,
): Promise<WebSocket> {
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(apiUrl.replace(/^http/, 'ws') + websocketPath, {
    headers: { authorization: `Bearer ${token}` },
  });
  ws.on('message', onFrame);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', (_req, res) => {
      reject(errorForStatus(res.statusCode ?? 0));
      ws.terminate();
    });
    ws.once('error', (err: Error & { code?: string }) =>
      reject(
        new AppError(
          'UNAVAILABLE',
          `Cannot reach the WebSocket at ${apiUrl} (${err.code ?? err.message})`,
        ),
      ),
    );
  });
  ws.on('error', () => undefined);
  return ws;
}
