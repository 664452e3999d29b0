/** Pure pieces of stats: streak runs combine exactly, wait percentiles from the histogram, wins periods in UTC. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { periodAt, weekStart } from '../../api/domain/leaderboards/periods.ts';
import { bucketOf, quantile, WAIT_BOUNDS } from '../../api/domain/stats/queue-waits.ts';
import { combineRuns, currentStreak, emptyRuns, runOf } from '../../api/domain/stats/streaks.ts';
import { trendOf } from '../../api/domain/stats/digest.ts';

function brute(results: string[]): { best: number; current: number } {
  let best = 0,
    run = 0;
  for (const r of results) {
    run = r === 'W' ? run + 1 : 0;
    best = Math.max(best, run);
  }
  let current = 0;
  const last = results.at(-1);
  if (last === 'W' || last === 'L')
    for (let i = results.length - 1; i >= 0 && results[i] === last; i--)
      current += last === 'W' ? 1 : -1;
  return { best, current };
}

describe('stats pieces', () => {
  it('streak runs folded over any split into days equal a replay of the matches', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('W', 'L', 'D'), { maxLength: 60 }),
        fc.array(fc.nat(60), { maxLength: 8 }),
        (results, cuts) => {
          const bounds = [
            ...new Set([0, ...cuts.map((c) => Math.min(c, results.length)), results.length]),
          ].sort((x, y) => x - y);
          let folded = emptyRuns;
          for (let i = 1; i < bounds.length; i++) {
            const day = results
              .slice(bounds[i - 1], bounds[i])
              .reduce((acc, r) => combineRuns(acc, runOf(r as 'W')), emptyRuns);
            folded = combineRuns(folded, day);
          }
          const expected = brute(results);
          assert.equal(folded.winBest, expected.best);
          assert.equal(currentStreak(folded), expected.current);
        },
      ),
    );
  });

  it('reads percentiles inside the histogram bucket that holds them', () => {
    assert.equal(quantile([], 0.5), null);
    assert.equal(bucketOf(0.2), 0);
    assert.equal(bucketOf(1), 1);
    assert.equal(bucketOf(10_000), WAIT_BOUNDS.length - 1);
    const buckets = [{ bucket: bucketOf(4), n: 10 }];
    assert.equal(quantile(buckets, 0.5), 4, 'halfway through 3–5 s');
    assert.equal(
      quantile([{ bucket: WAIT_BOUNDS.length - 1, n: 3 }], 0.95),
      600,
      'the open bucket answers its lower bound',
    );
  });

  it('starts weeks on Monday 00:00 UTC and months on the first', () => {
    assert.equal(
      new Date(weekStart(Date.UTC(2031, 0, 19, 23, 59))).toISOString(),
      '2031-01-13T00:00:00.000Z',
      'a Sunday belongs to the week before',
    );
    assert.equal(
      new Date(weekStart(Date.UTC(2031, 0, 20))).toISOString(),
      '2031-01-20T00:00:00.000Z',
    );
    assert.deepEqual(periodAt('month', Date.UTC(2031, 11, 31, 23)), {
      period: 'month',
      start: '2031-12-01',
      resetsAt: new Date(Date.UTC(2032, 0, 1)),
    });
  });

  it('calls a digest better or worse past the threshold only', () => {
    assert.equal(trendOf({ matches: 0, winRate: 0 }, { matches: 0, winRate: 0 }), 'unchanged');
    assert.equal(trendOf({ matches: 4, winRate: 0.5 }, { matches: 4, winRate: 0.52 }), 'unchanged');
    assert.equal(trendOf({ matches: 4, winRate: 0.25 }, { matches: 4, winRate: 0.5 }), 'worse');
    assert.equal(trendOf({ matches: 0, winRate: 0 }, { matches: 3, winRate: 1 }), 'worse');
  });
});
