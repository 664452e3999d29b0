/** Starts a real API server on port 0 against the test database, with logs captured in memory. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Clock } from '../../api/core/clock.ts';
import { loadConfig } from '../../api/core/config.ts';
import { startServer, type RunningServer } from '../../api/server.ts';
import { testDatabaseUrl } from './env.ts';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Every log line the server wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Raw log text, for greps that must see everything. */
  logText(): string;
  /** What the server printed to its stderr (the generated admin password, on a first start). */
  stderrText(): string;
  stop(): Promise<void>;
}

export class LogCapture extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.chunks.push(chunk.toString('utf8'));
    done();
  }
  lines(): Record<string, unknown>[] {
    return this.chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

export async function startTestServer(
  env: Record<string, string> = {},
  options: { clock?: Clock } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-test-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    METRICS_PORT: '0',
    DATABASE_URL: testDatabaseUrl,
    PONG_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    ...env,
  });
  const capture = new LogCapture();
  let stderr = '';
  const stderrSink = { write: (text: string) => (stderr += text) };
  const server = await startServer({
    config,
    migrate: true,
    logDestination: capture,
    validateResponses: true,
    stderr: stderrSink,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    ...server,
    dataDir,
    get logs() {
      return capture.lines();
    },
    logText: () => capture.chunks.join(''),
    stderrText: () => stderr,
    async stop() {
      await server.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
