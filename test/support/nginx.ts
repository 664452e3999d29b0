/**
 * Debian's nginx in front of API processes, configured by `pongctl nginx
 * render` (what an operator runs): a foreground process (`daemon off`) on a
 * free loopback port, with its prefix, pid file, error and access logs in a
 * temp directory, so a test can kill it and leaves nothing behind. Outside CI
 * a machine without /usr/sbin/nginx skips the suite with the reason printed;
 * under CI=true that fails (.ci/run installs nginx).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../ops/processes.ts';
import { until } from './poll.ts';
import { runCli } from './cli.ts';

export const nginxBin = '/usr/sbin/nginx';

export interface Nginx {
  url: string;
  port: number;
  /** The access log so far (each line names the upstream that answered). */
  accessLog(): string;
  output(): string;
  /** SIGQUIT (graceful), SIGKILL after 5 s; removes the temp directory. */
  stop(): Promise<void>;
}

/** Call at the top of a `before`: skips (outside CI) or fails (CI) without nginx. */
export function skipWithoutNginx(context: Mocha.Context): void {
  if (existsSync(nginxBin)) return;
  const reason = `nginx not installed at ${nginxBin}: apt-get install nginx (.ci/run does)`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`      skipped: ${reason}`);
  context.skip();
}

/**
 * Renders the configuration for `upstreams` (host:port) and runs nginx with it
 * until stop(). Benchmarks pass `accessLog: false` (measure the proxy, not the disk).
 */
export async function startNginx(
  upstreams: readonly string[],
  options: { accessLog?: boolean } = {},
): Promise<Nginx> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-nginx-'));
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  const accessLog = options.accessLog === false ? '/dev/null' : path.join(dir, 'access.log');
  const rendered = await runCli([
    'nginx',
    'render',
    ...upstreams.flatMap((u) => ['--upstream', u]),
    '--listen',
    `127.0.0.1:${port}`,
    '--access-log',
    accessLog,
    '--out',
    conf,
  ]);
  assert.equal(rendered.code, 0, `pongctl nginx render: ${rendered.stderr}`);
  // Everything nginx writes outside the configuration goes to the temp directory.
  const base = ['-p', dir, '-c', conf, '-e', path.join(dir, 'error.log')];
  const globals = `pid ${path.join(dir, 'nginx.pid')};`;
  const checked = await promisify(execFile)(nginxBin, [...base, '-t', '-g', globals], {
    timeout: 15_000,
  }).catch((err: { stderr?: string }) =>
    assert.fail(`nginx -t refused the configuration: ${err.stderr}`),
  );
  assert.match(checked.stderr, /test is successful/);
  const child = spawn(nginxBin, [...base, '-g', `daemon off; ${globals}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (alive()) child.kill('SIGQUIT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (alive()) child.kill('SIGKILL');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await until(`nginx on ${url}`, async () => {
      if (!alive()) throw new Error(`nginx exited: ${output}`);
      return (await fetch(`${url}/readyz`)).ok ? true : undefined;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    port,
    accessLog: () => (existsSync(accessLog) ? readFileSync(accessLog, 'utf8') : ''),
    output: () => output,
    stop,
  };
}
