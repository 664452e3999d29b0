/**
 * Bench child: the machine's floor for tick lateness. The match loop's own
 * ticker (api/game/ticker.ts, 60 Hz, the system scheduler) in a process that
 * does nothing else; how late its ticks run is what the scheduler alone
 * costs a loop on this machine right now, other processes included.
 * IPC: {type:'measure', ms} → {type:'measure', ticks, p50, p99, max} (ms).
 */
import { createTicker, systemScheduler } from '../../../api/game/ticker.ts';
import { announceReady, onStop } from './protocol.ts';

let samples: number[] | undefined;
const ticker = createTicker({
  periodMs: 1000 / 60,
  scheduler: systemScheduler,
  onTick: ({ lateMs }) => samples?.push(lateMs),
});
ticker.start();

function pct(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

process.on('message', (m: { type?: string; ms?: number }) => {
  if (m?.type !== 'measure') return;
  samples = [];
  setTimeout(() => {
    const sorted = samples!.sort((a, b) => a - b);
    samples = undefined;
    process.send?.({
      type: 'measure',
      ticks: sorted.length,
      p50: pct(sorted, 50),
      p99: pct(sorted, 99),
      max: pct(sorted, 100),
    });
  }, m.ms ?? 5_000);
});
onStop(async () => ticker.stop());
announceReady('');
