/** The one 60 Hz loop: ticks on a fixed timeline, caught up or skipped when late. */
import assert from 'node:assert/strict';
import { createTicker, type TickInfo } from '../../api/game/ticker.ts';
import { manualScheduler } from '../support/game-runner.ts';

const TICK = 1000 / 60;

describe('game ticker', () => {
  it('runs tick n at start + n × period without drift, and skips when far behind', () => {
    const scheduler = manualScheduler(0);
    const ticks: TickInfo[] = [];
    let skipped = 0;
    let blockOnce = false;
    const onTick = (t: TickInfo) => {
      ticks.push(t);
      if (blockOnce) {
        blockOnce = false;
        scheduler.block(100);
      }
    };
    const ticker = createTicker({
      periodMs: TICK,
      scheduler,
      onTick,
      onSkip: (n) => (skipped += n),
    });
    ticker.start();
    scheduler.advance(10_001);
    // 10 s at 60 Hz: ticks 0..600 inclusive, each on time.
    assert.equal(ticks.length, 601);
    assert.equal(ticks.at(-1)!.n, 600);
    assert.ok(
      ticks.every((t) => t.lateMs < 0.2),
      'every tick ran within 0.2 ms of its due time',
    );
    // A tick blocks the loop for 100 ms (6 periods): the next ones are late, then skipped to catch up.
    const before = ticks.length;
    blockOnce = true;
    scheduler.advance(TICK);
    assert.ok(skipped > 0, 'ticks were skipped');
    assert.ok(ticks.length - before <= 6, 'catch-up is bounded');
    assert.ok(ticks.at(-1)!.lateMs > 10, 'lateness is measured');
    scheduler.advance(1000);
    const last = ticks.at(-1)!;
    assert.ok(
      Math.abs(last.due - last.n * TICK) < 1e-6 && scheduler.now() - last.due < TICK + 1.5,
      'back on the original timeline',
    );
    ticker.stop();
    assert.equal(scheduler.pending(), 0);
  });
});
