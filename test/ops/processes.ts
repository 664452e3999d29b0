/** Starts real Prometheus and Alertmanager binaries on 127.0.0.1 for tests, and stops them. */
import { until } from '../support/poll.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Daemon {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns a daemon and waits for its readiness URL to answer 200. */
export async function startDaemon(
  binary: string,
  args: string[],
  url: string,
  readyPath: string,
): Promise<Daemon> {
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    await until(
      `${binary} at ${url}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${binary} exited: ${output.slice(-2000)}`);
        const res = await fetch(`${url}${readyPath}`);
        return res.ok ? true : undefined;
      },
      30_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, output: () => output, stop };
}
