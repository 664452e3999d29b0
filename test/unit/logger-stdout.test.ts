/**
 * stdout batches log lines (see stdoutDestination): nothing may be lost or
 * reordered by it, whether the process ends by itself, calls process.exit,
 * or keeps running (a batch below the size target still goes out in time).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const logger = fileURLToPath(new URL('../../api/core/logger.ts', import.meta.url));

/** Runs a child that writes `count` lines through stdoutDestination, then does `then`. */
function child(count: number, then: string): ReturnType<typeof spawn> {
  const source = `
    import { stdoutDestination } from ${JSON.stringify(logger)};
    const out = stdoutDestination();
    for (let i = 0; i < ${count}; i++) out.write(JSON.stringify({ i, pad: 'x'.repeat(i % 50) }) + '\\n');
    ${then}`;
  return spawn(process.execPath, ['--input-type=module', '-e', source], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function lines(text: string): number[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { i: number }).i);
}

async function output(proc: ReturnType<typeof spawn>): Promise<string> {
  let text = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (text += d));
  await new Promise((resolve) => proc.on('close', resolve));
  return text;
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('log lines on stdout', function () {
  this.timeout(20_000);

  it('are all written, in order, when the process ends by itself', async () => {
    assert.deepEqual(lines(await output(child(20003, ''))), upTo(20003));
  });

  it('are all written, in order, on process.exit', async () => {
    assert.deepEqual(lines(await output(child(20003, 'process.exit(0);'))), upTo(20003));
  });

  it('reach stdout within the delay bound while the process keeps running', async () => {
    const proc = child(3, 'setTimeout(() => {}, 5000);');
    let text = '';
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => (text += d));
    const started = Date.now();
    while (lines(text).length < 3 && Date.now() - started < 2000)
      await new Promise((r) => setTimeout(r, 20));
    proc.kill();
    // Three short lines are far below the batch size: only the time bound sends them.
    assert.deepEqual(lines(text), [0, 1, 2]);
  });
});
