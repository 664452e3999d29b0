/**
 * `pongctl serve` as a real process, for tests that must see exactly what an
 * operator's log pipeline sees: every byte of stdout (JSON log lines) and of
 * stderr (the CLI's own messages, and anything a library prints there).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliEnv, pongctlBin, tempConfigHome } from './cli.ts';

export interface ServeProcess {
  url: string;
  /** The metrics listener's base URL (GET {metricsUrl}/metrics). */
  metricsUrl: string;
  /** stdout so far, one entry per line. */
  stdoutLines(): string[];
  stderrText(): string;
  /** SIGTERM, then SIGKILL after 20 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function spawnServe(
  env: Record<string, string>,
  startTimeoutMs = 60_000,
): Promise<ServeProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-serve-'));
  const child = spawn(process.execPath, [pongctlBin, 'serve', '--port', '0', '--migrate'], {
    env: cliEnv({
      XDG_CONFIG_HOME: tempConfigHome(),
      PONG_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      METRICS_PORT: '0',
      ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
    return code;
  };
  const [url, metricsUrl] = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening: ${stderr}`)), startTimeoutMs);
    const check = () => {
      const api = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      const metrics = /metrics on (http:\/\/\S+)\/metrics/.exec(stderr)?.[1];
      if (api && metrics) {
        clearTimeout(timer);
        child.stderr.off('data', check);
        resolve([api, metrics]);
      }
    };
    child.stderr.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${stderr}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return {
    url,
    metricsUrl,
    stdoutLines: () => stdout.split('\n').filter(Boolean),
    stderrText: () => stderr,
    stop,
  };
}
