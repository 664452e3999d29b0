/**
 * A redis-server of a test's own on a free port, never the shared one, so
 * outage tests can freeze (SIGSTOP), stop and restart it. `destroy` always
 * thaws and kills it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort } from './processes.ts';

export interface PrivateRedis {
  url: string;
  freeze(): void;
  thaw(): void;
  /** Kills the server: connections are refused until `start`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** Resolves once the server answers PING on `port`. */
async function answers(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(500, () => socket.destroy());
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let frozen = false;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await answers(port, 10_000);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  const self: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    freeze() {
      child?.kill('SIGSTOP');
      frozen = true;
    },
    thaw() {
      if (frozen) child?.kill('SIGCONT');
      frozen = false;
    },
    stop,
    start,
    async destroy() {
      self.thaw();
      await stop();
    },
  };
  return self;
}
