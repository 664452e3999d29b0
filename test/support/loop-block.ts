/**
 * Measures how long the event loop is blocked while a test runs, three ways:
 * `monitorEventLoopDelay` (wall clock: also counts time the OS did not run us,
 * which on a shared 2-core machine under load reaches 20 ms even when idle);
 * the thread's CPU time between consecutive 1 ms timer ticks (one loop
 * iteration: when a busy machine stalls the process, the callbacks of the stall
 * pile into one iteration, so this grows with machine load); and the thread's CPU
 * time inside the longest single callback (async_hooks before/after), which is
 * what actually blocks the loop and does not grow with load. Tests assert the
 * last and report all three.
 */
import { createHook } from 'node:async_hooks';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopBlocking {
  /** Largest wall-clock timer delay seen (perf_hooks), in ms. */
  delayMaxMs: number;
  delayP99Ms: number;
  /** Largest CPU time spent in one loop iteration, in ms. */
  cpuBlockMaxMs: number;
  /** Largest CPU time spent in one callback (macrotask or promise reaction), in ms. */
  cpuTaskMaxMs: number;
}

const cpu = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};

export function watchLoopBlocking(): { stop(): LoopBlocking } {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let last = cpu();
  let cpuBlockMaxMs = 0;
  const timer = setInterval(() => {
    const now = cpu();
    cpuBlockMaxMs = Math.max(cpuBlockMaxMs, now - last);
    last = now;
  }, 1);
  // Only the outermost callback counts: one nested inside it is part of its time.
  let depth = 0;
  let taskStart = 0;
  let cpuTaskMaxMs = 0;
  const hook = createHook({
    before() {
      if (depth++ === 0) taskStart = cpu();
    },
    after() {
      if (--depth === 0) cpuTaskMaxMs = Math.max(cpuTaskMaxMs, cpu() - taskStart);
    },
  }).enable();
  return {
    stop() {
      hook.disable();
      clearInterval(timer);
      histogram.disable();
      return {
        delayMaxMs: histogram.max / 1e6,
        delayP99Ms: histogram.percentile(99) / 1e6,
        cpuBlockMaxMs,
        cpuTaskMaxMs,
      };
    },
  };
}
