import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DEFAULT_PAIRING_WINDOW,
  pairTickets,
  windowOf,
  type PairingOptions,
  type QueueTicket,
} from '../../api/domain/matchmaking/pairing.ts';

const noBlocks = () => false;
const options: PairingOptions = { ...DEFAULT_PAIRING_WINDOW, blocked: noBlocks };

function ticket(userId: string, rating: number, enqueuedAt = 0, pool = 'ranked'): QueueTicket {
  return { userId, rating, enqueuedAt, pool };
}

function names(result: ReturnType<typeof pairTickets>): string[] {
  return result.pairs.map((p) => `${p.a.userId}+${p.b.userId}`);
}

/** Runs the queue every `everyMs` from `from` to `to`; returns when each pair formed. */
function simulate(
  tickets: QueueTicket[],
  opts: PairingOptions,
  span: { from: number; to: number; everyMs: number },
) {
  let queue = [...tickets];
  const formed: { at: number; a: QueueTicket; b: QueueTicket }[] = [];
  for (let now = span.from; now <= span.to; now += span.everyMs) {
    const arrived = queue.filter((t) => t.enqueuedAt <= now);
    const result = pairTickets(arrived, now, opts);
    for (const p of result.pairs) formed.push({ at: now, ...p });
    const gone = new Set(result.pairs.flatMap((p) => [p.a.userId, p.b.userId]));
    queue = queue.filter((t) => !gone.has(t.userId));
  }
  return { formed, left: queue };
}

describe('matchmaking pairing', () => {
  it('the window starts at ±100 and widens by 50 every 5 s, up to an optional maximum', () => {
    const t = ticket('a', 1500, 1000);
    assert.equal(windowOf(t, 1000, options), 100);
    assert.equal(windowOf(t, 5999, options), 100);
    assert.equal(windowOf(t, 6000, options), 150);
    assert.equal(windowOf(t, 61_000, options), 700);
    assert.equal(windowOf(t, 61_000, { ...options, maxWindow: 400 }), 400);
    assert.equal(windowOf(t, 0, options), 100, 'a clock behind the ticket counts as no wait');
  });

  it('pairs close ratings at once and leaves far ones waiting until both windows reach the gap', () => {
    assert.deepEqual(names(pairTickets([ticket('a', 1500), ticket('b', 1590)], 0, options)), [
      'a+b',
    ]);
    const far = [ticket('a', 1500, 0), ticket('b', 1800, 0)];
    const { formed } = simulate(far, options, { from: 0, to: 60_000, everyMs: 1000 });
    assert.equal(formed.length, 1);
    assert.equal(formed[0]!.at, 20_000, '100 + 4 × 50 = 300 after 20 s');
  });

  it("both sides must accept: a newcomer is not pulled into a long waiter's wide window", () => {
    const old = ticket('old', 1500, 0);
    const fresh = ticket('new', 1800, 60_000);
    assert.deepEqual(pairTickets([old, fresh], 60_000, options).pairs, []);
    const { formed } = simulate([old, fresh], options, {
      from: 60_000,
      to: 120_000,
      everyMs: 1000,
    });
    assert.equal(formed[0]!.at, 80_000, 'when the newcomer has waited 20 s');
  });

  it('never pairs users who block each other, in either direction, even after minutes', () => {
    const blocks = new Set(['a>b']);
    const opts = { ...options, blocked: (x: string, y: string) => blocks.has(`${x}>${y}`) };
    const { formed, left } = simulate([ticket('a', 1500), ticket('b', 1500)], opts, {
      from: 0,
      to: 600_000,
      everyMs: 1000,
    });
    assert.deepEqual(formed, []);
    assert.equal(left.length, 2);
    const three = pairTickets(
      [ticket('b', 1500, 0), ticket('a', 1500, 1), ticket('c', 1700, 2)],
      60_000,
      opts,
    );
    assert.deepEqual(names(three), ['b+c'], 'b skips a (blocked) for the farther c');
  });

  it('keeps pools apart and considers each user once (their oldest ticket)', () => {
    assert.deepEqual(
      pairTickets([ticket('a', 1500, 0, 'ranked'), ticket('b', 1500, 0, 'casual')], 0, options)
        .pairs,
      [],
    );
    const dup = pairTickets(
      [ticket('a', 1500, 5), ticket('a', 1500, 0), ticket('b', 1500, 9)],
      10,
      options,
    );
    assert.deepEqual(names(dup), ['a+b']);
    assert.equal(dup.pairs[0]!.a.enqueuedAt, 0);
    assert.deepEqual(dup.waiting, []);
  });

  it('the longest waiter chooses first and takes the closest rating; equal gaps go to the longer waiter, then the smaller id', () => {
    const result = pairTickets(
      [ticket('x', 1550, 3), ticket('w', 1500, 0), ticket('y', 1450, 3), ticket('z', 1530, 4)],
      10,
      options,
    );
    assert.deepEqual(names(result), ['w+z', 'x+y']);
    const tie = pairTickets(
      [ticket('w', 1500, 0), ticket('q', 1550, 5), ticket('p', 1450, 5), ticket('r', 1550, 4)],
      10,
      options,
    );
    assert.deepEqual(names(tie), ['w+r', 'p+q']);
    const idTie = pairTickets(
      [ticket('w', 1500, 0), ticket('q', 1550, 5), ticket('p', 1450, 5)],
      10,
      options,
    );
    assert.deepEqual(names(idTie), ['w+p']);
  });

  it('ten simulated minutes of 200 arrivals run in milliseconds, pair everyone, and every pair was inside both windows', () => {
    let seed = 42;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const tickets = Array.from({ length: 200 }, (_, i) =>
      ticket(
        `u${String(i).padStart(3, '0')}`,
        Math.round(1000 + rand() * 1000),
        Math.round(rand() * 540_000),
      ),
    );
    const started = performance.now();
    const { formed, left } = simulate(tickets, options, { from: 0, to: 600_000, everyMs: 1000 });
    assert.ok(performance.now() - started < 2000, 'fast');
    assert.equal(formed.length, 100);
    for (const p of formed) {
      const gap = Math.abs(p.a.rating - p.b.rating);
      assert.ok(
        gap <= windowOf(p.a, p.at, options) && gap <= windowOf(p.b, p.at, options),
        `${p.a.userId}+${p.b.userId} at ${p.at}`,
      );
    }
    assert.deepEqual(left, []);
  });
});

const ticketsArb = fc.uniqueArray(
  fc.record({
    userId: fc.integer({ min: 0, max: 40 }).map((n) => `u${n}`),
    rating: fc.integer({ min: 1200, max: 1800 }),
    enqueuedAt: fc.integer({ min: 0, max: 30_000 }),
    pool: fc.constantFrom('ranked', 'casual'),
  }),
  { selector: (t) => t.userId, maxLength: 30 },
);

describe('matchmaking pairing properties', () => {
  it('pairs respect windows, pools and blocks; each user at most once; no compatible pair is left waiting; input order does not matter', () => {
    fc.assert(
      fc.property(
        ticketsArb,
        fc.array(fc.tuple(fc.nat(40), fc.nat(40))),
        fc.integer({ min: 0, max: 60_000 }),
        fc.nat(),
        (tickets, blockList, now, shuffleSeed) => {
          const blocks = new Set(blockList.map(([x, y]) => `u${x}>u${y}`));
          const opts = { ...options, blocked: (x: string, y: string) => blocks.has(`${x}>${y}`) };
          const compatible = (a: QueueTicket, b: QueueTicket) => {
            const gap = Math.abs(a.rating - b.rating);
            return (
              a.pool === b.pool &&
              gap <= windowOf(a, now, opts) &&
              gap <= windowOf(b, now, opts) &&
              !opts.blocked(a.userId, b.userId) &&
              !opts.blocked(b.userId, a.userId)
            );
          };
          const result = pairTickets(tickets, now, opts);
          const users = result.pairs.flatMap((p) => [p.a.userId, p.b.userId]);
          assert.equal(new Set(users).size, users.length);
          assert.equal(users.length + result.waiting.length, tickets.length);
          for (const p of result.pairs) assert.ok(compatible(p.a, p.b));
          for (const a of result.waiting)
            for (const b of result.waiting)
              if (a !== b) assert.ok(!compatible(a, b), `${a.userId} and ${b.userId} left waiting`);
          const shuffled = [...tickets].sort(
            (x, y) => ((x.rating * 31 + shuffleSeed) % 97) - ((y.rating * 31 + shuffleSeed) % 97),
          );
          assert.deepEqual(names(pairTickets(shuffled, now, opts)), names(result));
        },
      ),
      { numRuns: 200 },
    );
  });
});
