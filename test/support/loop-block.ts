/**
 * Measures how long the event loop is blocked while a test runs, two ways:
 * `monitorEventLoopDelay` (wall clock: also counts time the OS did not run us,
 * which on a shared 2-core machine under load reaches 20 ms even when idle),
 * and the thread's CPU time between consecutive 1 ms timer ticks (only the
 * work our own code did in one loop iteration). Tests assert the second and
 * report both.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopBlocking {
  /** Largest wall-clock timer delay seen (perf_hooks), in ms. */
  delayMaxMs: number;
  delayP99Ms: number;
  /** Largest CPU time spent in one loop iteration, in ms. */
  cpuBlockMaxMs: number;
}

export function watchLoopBlocking(): { stop(): LoopBlocking } {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const cpu = () => {
    const u = process.threadCpuUsage();
    return (u.user + u.system) / 1000;
  };
  let last = cpu();
  let cpuBlockMaxMs = 0;
  const timer = setInterval(() => {
    const now = cpu();
    cpuBlockMaxMs = Math.max(cpuBlockMaxMs, now - last);
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      histogram.disable();
      return {
        delayMaxMs: histogram.max / 1e6,
        delayP99Ms: histogram.percentile(99) / 1e6,
        cpuBlockMaxMs,
      };
    },
  };
}
