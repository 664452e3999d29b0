/**
 * Real API server processes (`pongctl serve`) for tests where instances must
 * not share memory: several of them on one database, or one that is killed
 * and started again. Each listens on a free loopback port; its output is kept
 * for failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../ops/processes.ts';
import { until } from './poll.ts';
import { cliEnv, pongctlBin, tempConfigHome } from './cli.ts';

export interface ApiProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after a bound; resolves once the process is gone. */
  stop(): Promise<void>;
  /** stop(), and removes the data directory unless it was given. */
  dispose(): Promise<void>;
}

export interface ApiProcessOptions {
  databaseUrl: string;
  /** Shared by every instance of a deployment (tokens from one work on all); else the data directory's own. */
  jwtSecret?: string;
  env?: Record<string, string>;
  /** Reuse a data directory (a restart of the same instance). */
  dataDir?: string;
  port?: number;
  readyTimeoutMs?: number;
}

export async function startApiProcess(options: ApiProcessOptions): Promise<ApiProcess> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'pongctl-proc-'));
  const child = spawn(
    process.execPath,
    [pongctlBin, 'serve', '--host', '127.0.0.1', '--port', String(port), '--migrate'],
    {
      env: cliEnv({
        XDG_CONFIG_HOME: tempConfigHome(),
        PONG_DATA_DIR: dataDir,
        DATABASE_URL: options.databaseUrl,
        PONG_JWT_SECRET: options.jwtSecret,
        PONG_ADMIN_PASSWORD: 'Admin-Test-Pass-42',
        PASSWORD_SCRYPT_LOG2N: '14',
        AUTH_RATE_LIMIT_PER_MINUTE: '100000',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'test',
        METRICS_PORT: '0',
        ...options.env,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (alive()) child.kill('SIGCONT');
    if (alive()) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (alive()) child.kill('SIGKILL');
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await until(
      `pongctl serve at ${url}`,
      async () => {
        if (!alive()) throw new Error(`pongctl serve exited: ${output.slice(-2000)}`);
        const res = await fetch(`${url}/readyz`);
        return res.ok ? true : undefined;
      },
      options.readyTimeoutMs ?? 60_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    port,
    dataDir,
    child,
    output: () => output,
    stop,
    dispose: async () => {
      await stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
