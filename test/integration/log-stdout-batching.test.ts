// stdout is written in batches (api/core/logger.ts): a quiet line still arrives soon, and no line
// is lost when the process exits right after writing. Real processes, real pipes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';

const loggerModule = path.resolve(import.meta.dirname, '../../api/core/logger.ts');

/** Runs `body` in a fresh Node process with `logger` (stdout destination) in scope; collects its stdout. */
function runLogging(body: string) {
  const code = `import { createLogger, streamLoggers } from ${JSON.stringify(loggerModule)};
const logger = streamLoggers(createLogger({ level: 'info', service: { name: 't', version: '1', environment: 'test' } })).access;
${body}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

describe('log stdout batching', () => {
  it('writes a lone line within a fraction of a second, not when the buffer fills', async function () {
    this.timeout(30_000);
    // One line, then the process idles for 20 s: only the periodic flush can write it.
    const run = runLogging(`logger.info({ n: 1 }, 'lonely'); setTimeout(() => {}, 20_000);`);
    try {
      const started = performance.now();
      while (!run.stdout().includes('"lonely"')) {
        if (run.child.exitCode !== null) assert.fail(`exited early: ${run.stderr()}`);
        assert.ok(performance.now() - started < 10_000, 'the line never arrived');
        await new Promise((r) => setTimeout(r, 20));
      }
      // Generous bound for a busy 2-core machine (process start included); the flush period is 100 ms.
      assert.ok(performance.now() - started < 8_000);
      assert.equal(JSON.parse(run.stdout().trim()).message, 'lonely');
    } finally {
      run.child.kill('SIGKILL');
      await run.exited;
    }
  });

  it('loses no line when the process exits right after writing', async function () {
    this.timeout(30_000);
    const run = runLogging(
      `for (let i = 0; i < 5000; i++) logger.info({ i }, 'line'); process.exit(0);`,
    );
    assert.equal(await run.exited, 0, run.stderr());
    const lines = run.stdout().split('\n').filter(Boolean);
    assert.equal(lines.length, 5000);
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { i: number }).i),
      Array.from({ length: 5000 }, (_, i) => i),
    );
  });
});
