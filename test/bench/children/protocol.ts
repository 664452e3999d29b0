/** The IPC messages between the bench runner and a server child. */

/** Resolution of the frame-jitter histograms game-load.ts returns (the last of its 4,000 buckets holds 200 ms and up). */
export const JITTER_BUCKET_MS = 0.05;

export interface ReadyMessage {
  type: 'ready';
  url: string;
}

/** The child's CPU time so far (all threads), the answer to `{type: 'cpu'}`. */
export interface CpuMessage {
  type: 'cpu';
  userUs: number;
  systemUs: number;
}

export function isCpuMessage(message: unknown): message is CpuMessage {
  const m = message as Partial<CpuMessage> | null;
  return typeof m === 'object' && m !== null && m.type === 'cpu' && typeof m.userUs === 'number';
}

export function isReadyMessage(message: unknown): message is ReadyMessage {
  const m = message as Partial<ReadyMessage> | null;
  return typeof m === 'object' && m !== null && m.type === 'ready' && typeof m.url === 'string';
}

/** Tells the parent the child is listening at `url`. */
export function announceReady(url: string): void {
  if (!process.send)
    throw new Error('a bench child must be started with an IPC channel (startChild)');
  process.send({ type: 'ready', url } satisfies ReadyMessage);
}

/**
 * Calls `stop` once when the parent asks (IPC) or on SIGTERM/SIGINT, then exits 0.
 * Also answers `{type: 'cpu'}` with the process's CPU time (ChildServer.cpuUsage).
 */
export function onStop(stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (): void => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('message', (message: { type?: string } | null) => {
    if (message?.type === 'stop') handle();
    if (message?.type === 'cpu') {
      const usage = process.cpuUsage();
      process.send?.({
        type: 'cpu',
        userUs: usage.user,
        systemUs: usage.system,
      } satisfies CpuMessage);
    }
  });
  process.once('SIGTERM', handle);
  process.once('SIGINT', handle);
  // The runner died: do not linger.
  process.once('disconnect', handle);
}
