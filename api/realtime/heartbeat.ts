/**
 * Heartbeat: one timer for all sockets (not one per socket). Each round
 * terminates the sockets that did not answer the previous ping, then pings the
 * rest. A silent peer is therefore gone within two intervals.
 */
import type { Connection } from './connection.ts';

export function startHeartbeat(
  connections: () => Iterable<Connection>,
  intervalMs: number,
): () => void {
  const timer = setInterval(() => {
    for (const conn of [...connections()]) {
      if (!conn.alive) {
        conn.terminate();
        continue;
      }
      conn.alive = false;
      try {
        conn.socket.ping();
      } catch {
        // The socket is closing; its close event cleans up.
      }
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
