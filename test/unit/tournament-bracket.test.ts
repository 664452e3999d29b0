// Single-elimination plans for every field size 2–64 and round-robin schedules for 2–64 players.
import assert from 'node:assert/strict';
import {
  bracketSize,
  eliminationRank,
  nextSlot,
  planBracket,
  roundName,
  seedOrder,
} from '../../api/domain/tournaments/bracket.ts';
import { roundRobinSchedule } from '../../api/domain/tournaments/round-robin.ts';

describe('tournament brackets (single elimination)', () => {
  it('uses the standard seed order', () => {
    assert.deepEqual(seedOrder(2), [1, 2]);
    assert.deepEqual(seedOrder(4), [1, 4, 2, 3]);
    assert.deepEqual(seedOrder(8), [1, 8, 4, 5, 2, 7, 3, 6]);
    assert.deepEqual(seedOrder(16), [1, 16, 8, 9, 4, 13, 5, 12, 2, 15, 7, 10, 3, 14, 6, 11]);
    assert.throws(() => seedOrder(6), RangeError);
    assert.throws(() => bracketSize(1), RangeError);
  });

  for (let n = 2; n <= 64; n++) {
    it(`${n} players: byes for the top seeds, everyone once, top seeds apart`, () => {
      const plan = planBracket(n);
      const size = bracketSize(n);
      assert.equal(plan.size, size);
      assert.ok(size >= n && size < 2 * n, `size ${size} is the next power of two`);
      assert.equal(plan.rounds, Math.log2(size));
      assert.equal(
        plan.matchesPerRound.reduce((a, b) => a + b, 0),
        size - 1,
      );
      assert.equal(plan.firstRound.length, size / 2);
      // Every player exactly once; byes never face each other.
      const seen = plan.firstRound
        .flatMap((m) => (m.b === null ? [m.a] : [m.a, m.b]))
        .sort((x, y) => x - y);
      assert.deepEqual(
        seen,
        Array.from({ length: n }, (_, i) => i + 1),
      );
      const byes = plan.firstRound.filter((m) => m.b === null);
      assert.equal(byes.length, size - n);
      // The byes go to the top seeds, in order.
      assert.deepEqual(
        byes.map((m) => m.a).sort((x, y) => x - y),
        Array.from({ length: size - n }, (_, i) => i + 1),
      );
      for (const m of plan.firstRound) {
        assert.ok(m.b === null || m.a < m.b, 'the better seed is on side a');
        assert.equal(m.a + (m.b ?? size + 1 - m.a), size + 1, 'first-round pairs sum to size + 1');
      }
      // Top 2^k seeds sit in 2^k different blocks, so they can only meet in the last k rounds.
      const slotOf = new Map(seedOrder(size).map((seed, slot) => [seed, slot]));
      for (let k = 1; 2 ** k <= size; k++) {
        const block = size / 2 ** k;
        const blocks = new Set(
          Array.from({ length: Math.min(2 ** k, n) }, (_, i) =>
            Math.floor(slotOf.get(i + 1)! / block),
          ),
        );
        assert.equal(
          blocks.size,
          Math.min(2 ** k, n),
          `top ${2 ** k} seeds in distinct blocks of ${block}`,
        );
      }
    });
  }

  it('routes winners to the next slot and ranks the knocked out', () => {
    const plan = planBracket(8);
    assert.deepEqual(nextSlot(plan, 1, 0), { round: 2, position: 0, side: 0 });
    assert.deepEqual(nextSlot(plan, 1, 3), { round: 2, position: 1, side: 1 });
    assert.deepEqual(nextSlot(plan, 2, 1), { round: 3, position: 0, side: 1 });
    assert.equal(nextSlot(plan, 3, 0), null);
    assert.deepEqual(
      [3, 2, 1].map((r) => eliminationRank(3, r)),
      [2, 3, 5],
    );
    assert.deepEqual(
      [1, 2, 3].map((r) => roundName(3, r)),
      ['Quarter-finals', 'Semi-finals', 'Final'],
    );
    assert.equal(roundName(6, 2), 'Round 2');
  });

  it('plays out: following nextSlot from any first round reaches one final with the two top seeds when the favourites win', () => {
    for (const n of [5, 12, 33, 64]) {
      const plan = planBracket(n);
      let round = plan.firstRound.map((m) => Math.min(m.a, m.b ?? Infinity));
      while (round.length > 2) {
        const next: number[] = [];
        for (let p = 0; p < round.length; p += 2) next.push(Math.min(round[p]!, round[p + 1]!));
        round = next;
      }
      assert.deepEqual(round, [1, 2], `${n}: the final is 1 v 2`);
    }
  });
});

describe('tournament round robin (circle method)', () => {
  for (let n = 2; n <= 64; n++) {
    it(`${n} players: every pair once, nobody twice in a round, fair byes and sides`, () => {
      const rounds = roundRobinSchedule(n);
      const even = n % 2 === 0 ? n : n + 1;
      assert.equal(rounds.length, even - 1);
      const met = new Set<string>();
      const byes = new Map<number, number>();
      const lefts = new Array<number>(n).fill(0);
      for (const r of rounds) {
        const inRound = new Set<number>();
        for (const { a, b } of r.pairs) {
          assert.ok(a !== b && a >= 0 && b >= 0 && a < n && b < n);
          for (const p of [a, b]) {
            assert.ok(!inRound.has(p), `player ${p} plays twice in round ${r.round}`);
            inRound.add(p);
          }
          const key = a < b ? `${a}-${b}` : `${b}-${a}`;
          assert.ok(!met.has(key), `${key} meets twice`);
          met.add(key);
          lefts[a]!++;
        }
        assert.equal(r.pairs.length, Math.floor(n / 2));
        if (n % 2 === 1) {
          assert.ok(r.bye !== null && !inRound.has(r.bye));
          byes.set(r.bye, (byes.get(r.bye) ?? 0) + 1);
        } else assert.equal(r.bye, null);
      }
      assert.equal(met.size, (n * (n - 1)) / 2);
      if (n % 2 === 1)
        assert.ok(
          [...byes.values()].every((c) => c === 1) && byes.size === n,
          'each player sits out exactly once',
        );
      // Each plays n − 1 matches; the left side is spread within two of an even split.
      const spread = Math.max(...lefts) - Math.min(...lefts);
      assert.ok(spread <= 2, `left-side spread ${spread}`);
    });
  }
});
