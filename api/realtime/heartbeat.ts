/**
 * Heartbeat: one timer for all sockets (not one per socket). Each socket is
 * visited once per interval: terminated when it did not answer the previous
 * ping, else pinged. A silent peer is therefore gone within two intervals.
 * The round is spread over the interval in slices: a ping is a socket write
 * (≈ 8 µs here), so a round of 5,000 at once would hold the event loop
 * ≈ 40 ms, several late game ticks for every match on the instance.
 */
import type { Connection } from './connection.ts';

/** How many timer turns a round of pings is spread over. */
const SLICES = 20;

export function startHeartbeat(
  connections: () => Iterable<Connection>,
  intervalMs: number,
): () => void {
  let round: Connection[] = [];
  let next = 0;
  let turn = 0;
  const timer = setInterval(
    () => {
      // Every SLICES turns a new round takes the sockets open now; one opened meanwhile waits for the next.
      if (turn++ % SLICES === 0) {
        round = [...connections()];
        next = 0;
      }
      const end = Math.min(round.length, next + Math.ceil(round.length / SLICES));
      for (; next < end; next++) visit(round[next]!);
    },
    Math.max(1, intervalMs / SLICES),
  );
  timer.unref();
  return () => clearInterval(timer);
}

function visit(conn: Connection): void {
  if (!conn.alive) {
    conn.terminate();
    return;
  }
  conn.alive = false;
  try {
    conn.socket.ping();
  } catch {
    // The socket is closing; its close event cleans up.
  }
}
