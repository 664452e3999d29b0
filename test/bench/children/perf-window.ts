/**
 * Under `npm run bench -- --perf`, a child's measuring window is also recorded
 * by Linux perf (kernel and user stacks of this process, every thread), so the
 * kernel's part of a tick can be read beside the JavaScript's
 * (`node test/bench/perf-top.ts <file>`). V8's profiler cannot see inside a
 * system call; perf can.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** Runs `window` (which lasts about `ms`) while perf samples this process into `file`. */
export async function perfRecorded<T>(
  file: string,
  ms: number,
  window: () => Promise<T>,
): Promise<T> {
  const perf = spawn(
    'perf',
    [
      'record',
      '--quiet',
      '-F',
      '997',
      '-g',
      '-p',
      String(process.pid),
      '-o',
      file,
      '--',
      'sleep',
      String(ms / 1000),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = once(perf, 'exit');
  // perf attaches within a few milliseconds; the window's first ones go unsampled, not misattributed.
  await new Promise((r) => setTimeout(r, 50));
  try {
    return await window();
  } finally {
    await exited;
  }
}
