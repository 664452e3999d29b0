/**
 * Servers under test run in CHILD processes, so the load generator in the bench
 * runner never shares their event loop or skews their CPU profile.
 *
 * Protocol for a child script: listen on 127.0.0.1:0, then call
 * `announceReady(url)` (./children/protocol.ts); on the IPC message
 * `{type: 'stop'}` shut down and exit (exiting normally is what lets
 * `--cpu-prof` write its profile).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { isCpuMessage, isReadyMessage } from './children/protocol.ts';

export interface ChildOptions {
  /** Absolute path of the child script (TypeScript is fine). */
  script: string;
  /** Added to the parent's environment. An empty string unsets a variable for loadConfig. */
  env?: Record<string, string>;
  /** Write a V8 CPU profile of the child into this folder (node --cpu-prof). */
  cpuProfDir?: string;
  /** Extra Node flags for the child (e.g. --expose-gc). */
  execArgv?: string[];
  /**
   * 'drain' (default): stdout is a pipe read by a separate `wc -c` process (like
   * a container's log driver; the load generator's event loop never reads it);
   * 'ignore': /dev/null.
   */
  stdout?: 'drain' | 'ignore';
  readyTimeoutMs?: number;
}

export interface ChildServer {
  url: string;
  pid: number;
  /** Bytes the child wrote to stdout (the log, for the API), known once it has stopped; 0 when ignored. */
  stdoutBytes(): Promise<number>;
  /** CPU time (user + system, all threads) the child has used so far, in µs. */
  cpuUsage(): Promise<number>;
  /** Sends an IPC message to the child's own protocol. */
  send(message: object): void;
  /** Sends an IPC message and resolves with the first reply of type `replyType`. */
  request<T>(message: object, replyType: string, timeoutMs?: number): Promise<T>;
  /** Asks the child to shut down; kills it if it has not exited within 15 s. Idempotent. */
  stop(): Promise<void>;
}

function waitReady(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`child not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: unknown): void => {
      if (!isReadyMessage(message)) return;
      cleanup();
      resolve(message.url);
    };
    const onExit = (code: number | null): void =>
      fail(new Error(`child exited (${code}) before ready`));
    function cleanup(): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    }
    function fail(err: Error): void {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`${err.message}: ${stderr().slice(-2000)}`));
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function request<T>(
  child: ChildProcess,
  message: object,
  replyType: string,
  timeoutMs: number,
): Promise<T> {
  if (!child.connected)
    return Promise.reject(new Error(`child has exited; cannot send ${JSON.stringify(message)}`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(
        new Error(
          `child did not answer ${JSON.stringify(message)} with ${replyType} within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    const onMessage = (reply: { type?: string } | null): void => {
      if (reply?.type !== replyType) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(reply as T);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

async function askCpu(child: ChildProcess): Promise<number> {
  const reply = await request<unknown>(child, { type: 'cpu' }, 'cpu', 5_000);
  if (!isCpuMessage(reply)) throw new Error('malformed {type: cpu} reply');
  return reply.userUs + reply.systemUs;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ type: 'stop' });
    else child.kill('SIGTERM');
  });
}

/** Counts the bytes of a stream in a separate process, so this event loop never handles them. */
function countBytes(stream: Readable): Promise<number> {
  const wc = spawn('wc', ['-c'], { stdio: [stream, 'pipe', 'inherit'] });
  // wc has its own copy of the pipe; close ours so this process never reads from it.
  stream.destroy();
  let out = '';
  wc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    wc.once('error', reject);
    wc.once('close', () => resolve(Number.parseInt(out.trim(), 10) || 0));
  });
}

/** Forks a server script and waits until it announces its URL. */
export async function startChild(options: ChildOptions): Promise<ChildServer> {
  const execArgv = [
    ...(options.execArgv ?? []),
    ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
  ];
  const child = fork(options.script, [], {
    execArgv,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.stdout === 'ignore' ? 'ignore' : 'pipe', 'pipe', 'ipc'],
  });
  const bytes = child.stdout ? countBytes(child.stdout) : Promise.resolve(0);
  let stderr = '';
  child.stderr?.on(
    'data',
    (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-8000)),
  );
  const url = await waitReady(child, options.readyTimeoutMs ?? 60_000, () => stderr);
  let stopping: Promise<void> | undefined;
  return {
    url,
    pid: child.pid!,
    stdoutBytes: () => bytes,
    cpuUsage: () => askCpu(child),
    send: (message) => child.send(message),
    request: <T>(message: object, replyType: string, timeoutMs = 300_000) =>
      request<T>(child, message, replyType, timeoutMs),
    stop: () => (stopping ??= stopChild(child)),
  };
}

export interface ApiChildOptions {
  /** postgres://… or undefined for the embedded database (PGlite in a fresh data dir). */
  databaseUrl?: string;
  /** Extra API environment (ACCESS_LOG, LOG_LEVEL, ...); defaults are the production defaults. */
  env?: Record<string, string>;
  cpuProfDir?: string;
  stdout?: 'drain' | 'ignore';
}

const childrenDir = path.join(import.meta.dirname, 'children');

/**
 * The real API (api/server.ts, default config) in a child process on
 * 127.0.0.1:0. Migrates the database first. Its JSON log goes to stdout, which
 * the parent drains (like a container runtime would).
 */
export async function startApiChild(options: ApiChildOptions = {}): Promise<ChildServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-bench-'));
  try {
    const server = await startChild({
      script: path.join(childrenDir, 'api-server.ts'),
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        METRICS_PORT: '0',
        PONG_DATA_DIR: dataDir,
        DATABASE_URL: options.databaseUrl ?? '',
        NODE_ENV: 'production',
        ...options.env,
      },
      ...(options.cpuProfDir ? { cpuProfDir: options.cpuProfDir } : {}),
      ...(options.stdout ? { stdout: options.stdout } : {}),
    });
    return {
      ...server,
      stop: async () => {
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** A bare node:http server answering GET /healthz like the API does (see children/bare-server.ts). */
export function startBareChild(options: { cpuProfDir?: string } = {}): Promise<ChildServer> {
  return startChild({ script: path.join(childrenDir, 'bare-server.ts'), ...options });
}
