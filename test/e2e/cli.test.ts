import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { endpoints } from '../../api/contract/index.ts';
import type { Endpoint } from '../../api/contract/endpoint.ts';
import { cliEnv, pongctlBin, runCli, tempConfigHome } from '../support/cli.ts';
import { testDatabaseUrl } from '../support/env.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import pkg from '../../package.json' with { type: 'json' };

describe('pongctl CLI basics', () => {
  it('--help lists the commands on stdout and exits 0', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    for (const command of ['serve', 'db', 'status', 'version', 'config'])
      assert.match(result.stdout, new RegExp(`\\n  ${command}\\b`));
    assert.match(result.stdout, /Exit codes:/);
    assert.equal(result.stderr, '');
  });

  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), `pongctl ${pkg.version}`);
  });

  it('an unknown command exits 2 with the message on stderr only', async () => {
    const result = await runCli(['frobnicate']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /unknown command 'frobnicate'/);
  });

  it('an invalid option value exits 2', async () => {
    const result = await runCli(['-o', 'xml', 'version']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /xml/);
  });

  it('version -o json parses and reports the API as unreachable when it is', async () => {
    const result = await runCli(['version', '-o', 'json', '--api', 'http://127.0.0.1:9']);
    assert.equal(result.code, 0, result.stderr);
    const data = JSON.parse(result.stdout);
    assert.equal(data.pongctl, pkg.version);
    assert.equal(data.node, process.versions.node);
    assert.equal(data.api, 'unreachable');
  });

  it('status against an unreachable API exits 6 with a message on stderr', async () => {
    const result = await runCli(['status', '--api', 'http://127.0.0.1:9']);
    assert.equal(result.code, 6);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /Cannot reach the API at http:\/\/127\.0\.0\.1:9/);
  });
});

describe('pongctl config', () => {
  it('sets, gets and lists profile values in a 0600 file, and switches profiles', async () => {
    const home = tempConfigHome();
    const env = { XDG_CONFIG_HOME: home };
    assert.equal((await runCli(['config', 'set', 'api', 'https://pong.example'], { env })).code, 0);
    const got = await runCli(['config', 'get', 'api'], { env });
    assert.equal(got.stdout.trim(), 'https://pong.example');
    const file = path.join(home, 'pongctl', 'config.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal((await runCli(['config', 'use-profile', 'staging'], { env })).code, 0);
    assert.equal((await runCli(['config', 'set', 'output', 'yaml'], { env })).code, 0);
    const list = await runCli(['config', 'list', '-o', 'json'], { env });
    const rows = JSON.parse(list.stdout) as {
      profile: string;
      key: string;
      value: string;
      active: boolean;
    }[];
    assert.deepEqual(
      rows.map((r) => [r.profile, r.key, r.value, r.active]),
      [
        ['default', 'api', 'https://pong.example', false],
        ['staging', 'output', 'yaml', true],
      ],
    );
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).currentProfile, 'staging');
  });

  it('rejects unknown keys and invalid values with exit 2, and a missing key with exit 3', async () => {
    const env = { XDG_CONFIG_HOME: tempConfigHome() };
    assert.equal((await runCli(['config', 'set', 'colour', 'red'], { env })).code, 2);
    const bad = await runCli(['config', 'set', 'api', 'not a url'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid api/);
    assert.equal((await runCli(['config', 'get', 'api'], { env })).code, 3);
    assert.equal((await runCli(['config', 'use-profile', 'bad name!'], { env })).code, 2);
  });

  it('a corrupt config file is a configuration error (exit 78)', async () => {
    const home = tempConfigHome();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(path.join(home, 'pongctl'));
    writeFileSync(path.join(home, 'pongctl', 'config.json'), '{"currentProfile": 5}');
    const result = await runCli(['config', 'list'], { env: { XDG_CONFIG_HOME: home } });
    assert.equal(result.code, 78);
    assert.match(result.stderr, /config\.json: currentProfile: .*expected string/);
  });
});

describe('pongctl status against a live server', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('prints readiness, version and engine as JSON', async () => {
    const result = await runCli(['status', '-o', 'json'], { env: { PONGCTL_API: server.url } });
    assert.equal(result.code, 0, result.stderr);
    const data = JSON.parse(result.stdout);
    assert.equal(data.status, 'ok');
    assert.equal(data.version, pkg.version);
    assert.equal(data.engine, testDatabaseUrl.startsWith('postgres') ? 'postgres' : 'pglite');
    assert.equal(data.operations, Object.keys(endpoints).length);
  });

  it('prints a key/value table without a TTY only when asked', async () => {
    const result = await runCli(['status', '-o', 'table', '--api', server.url]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^status:\s+ok$/m);
    assert.ok(!result.stdout.includes('\u001b['), 'no colour without a TTY');
  });

  it('db status lists the applied migrations', async function () {
    if (!testDatabaseUrl.startsWith('postgres')) this.skip(); // the embedded database is open in the server process
    const result = await runCli(['db', 'status', '-o', 'json'], {
      env: { DATABASE_URL: testDatabaseUrl },
    });
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as { name: string; state: string }[];
    assert.ok(rows.length > 0 && rows.every((r) => r.state === 'applied'), result.stdout);
  });
});

function waitForLine(
  stream: NodeJS.ReadableStream,
  pattern: RegExp,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}; got: ${buffer}`)),
      timeoutMs,
    );
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const match = buffer.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? match[0]);
      }
    });
  });
}

/** A public endpoint that reads a JSON body: the request stays in flight while the body trickles in. */
function publicBodyEndpoint(): Endpoint | undefined {
  return Object.values(endpoints as Record<string, Endpoint>).find(
    (e) => e.auth === 'public' && e.body && e.method === 'POST',
  );
}

describe('pongctl serve', () => {
  it('serves, then on SIGTERM finishes the in-flight request and exits 0', async function () {
    this.timeout(40_000);
    const endpoint = publicBodyEndpoint();
    assert.ok(endpoint, 'the contract has a public POST endpoint with a JSON body');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-serve-'));
    const child = spawn(process.execPath, [pongctlBin, 'serve', '--port', '0', '--migrate'], {
      env: cliEnv({
        XDG_CONFIG_HOME: tempConfigHome(),
        PONG_DATA_DIR: dataDir,
        DATABASE_URL: testDatabaseUrl,
        METRICS_PORT: '0',
        LOG_LEVEL: 'warn',
        PONG_ADMIN_PASSWORD: 'serve-test-admin-pw-1',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const url = await waitForLine(child.stderr, /listening on (http:\/\/\S+)/, 30_000);
    const { hostname, port } = new URL(url);

    const body = JSON.stringify({
      login: 'nobody',
      password: 'not-the-password',
      username: 'nobody',
      email: 'n@example.com',
    });
    const socket = net.connect(Number(port), hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    let response = '';
    socket.on('data', (d) => (response += d.toString('utf8')));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(
      `POST ${endpoint.path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    );
    socket.write(body.slice(0, 5));
    await new Promise((resolve) => setTimeout(resolve, 200));

    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(child.exitCode, null, 'still running while a request is in flight');
    socket.end(body.slice(5));
    await closed;
    assert.match(response, /^HTTP\/1\.1 \d{3} /, 'the in-flight request got a complete answer');
    assert.match(response, /"(data|error)":/);
    assert.equal(await exited, 0);
  });

  it('refuses to start with a wrong configuration: exit 78, one line per problem', async () => {
    const result = await runCli(['serve'], {
      env: {
        PORT: 'abc',
        LOG_LEVEL: 'loud',
        PONG_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'pongctl-bad-')),
      },
    });
    assert.equal(result.code, 78);
    const lines = result.stderr.trim().split('\n');
    assert.deepEqual(lines.map((l) => l.split(':')[1]?.trim()).sort(), ['LOG_LEVEL', 'PORT']);
  });
});
