/**
 * The terminal chart renderer against committed snapshots (UPDATE_SNAPSHOTS=1
 * rewrites them after a deliberate change), its fitting of series to the
 * width, and the simulation plan's determinism.
 */
import assert from 'node:assert/strict';
import { fitValues, renderChart } from '../../cli/render/chart.ts';
import { planSimulation } from '../../cli/commands/simulate/plan.ts';
import { toCsv } from '../../cli/io.ts';
import { matchSnapshot } from '../support/snapshots.ts';

const matchChart = (name: string, text: string) => matchSnapshot('chart', name, text);

const days = Array.from({ length: 30 }, (_, i) => `2031-03-${String(i + 1).padStart(2, '0')}`);
const rating = days.map((_, i) => 1500 + Math.round(60 * Math.sin(i / 4) + i * 3));

describe('terminal charts', () => {
  it('draws a labelled rating chart as wide as asked (plain)', () => {
    const text = renderChart([{ name: 'rating', values: rating }], {
      title: 'Rating of alice',
      yLabel: 'Glicko-2',
      xLabel: 'day (UTC)',
      xLabels: days,
      width: 72,
      height: 8,
      color: false,
    });
    matchChart('chart-rating-72', text);
    const widest = Math.max(...text.split('\n').map((l) => l.length));
    assert.ok(widest <= 72 && widest >= 68, `fits 72 columns (widest line ${widest})`);
    assert.match(text, /^Rating of alice \(Glicko-2\)$/m);
    assert.match(text, /2031-03-01 .* 2031-03-30$/m);
    assert.match(text, /^── rating$/m);
  });

  it('draws several series in colour with a legend, and one chart per series without colour', () => {
    const series = [
      { name: 'matches', values: rating.map((r) => r - 1450) },
      { name: 'won', values: rating.map((r) => (r - 1450) / 2) },
    ];
    const colour = renderChart(series, {
      title: 'Activity',
      yLabel: 'per day',
      xLabel: 'day',
      xLabels: days,
      width: 50,
      height: 5,
      color: true,
    });
    matchChart('chart-activity-colour-50', colour);
    assert.ok(
      colour.endsWith('\u001b[36m──\u001b[0m matches   \u001b[35m──\u001b[0m won'),
      'a coloured legend',
    );
    const plain = renderChart(series, {
      title: 'Activity',
      yLabel: 'per day',
      xLabel: 'day',
      xLabels: days,
      width: 50,
      height: 5,
      color: false,
    });
    matchChart('chart-activity-plain-50', plain);
    assert.equal(plain.split('Activity: ').length - 1, 2);
    assert.ok(!plain.includes('\u001b['));
  });

  it('fits series by averaging or repeating points, and says when there is no data', () => {
    assert.deepEqual(fitValues([1, 3, 5, 7], 2), [2, 6]);
    assert.deepEqual(fitValues([1, 2], 4), [1, 1, 2, 2]);
    assert.equal(
      renderChart([{ name: 'x', values: [] }], {
        title: 'Empty',
        yLabel: 'n',
        xLabel: 'day',
        xLabels: [],
        width: 40,
        color: false,
      }),
      'Empty\n(no data)',
    );
    const flat = renderChart([{ name: 'x', values: [3, 3, 3] }], {
      title: 'Flat',
      yLabel: 'n',
      xLabel: 'day',
      xLabels: ['a', 'b', 'c'],
      width: 40,
      height: 3,
      color: false,
    });
    assert.match(flat, /^3.* ┼/m, 'a flat series is drawn at its value');
  });

  it('writes RFC 4180 CSV', () => {
    const csv = toCsv(
      [
        { a: 'x,y', b: 'say "hi"' },
        { a: 1, b: null },
      ],
      [
        { header: 'a', value: (r) => r.a },
        { header: 'b', value: (r) => r.b },
      ],
    );
    assert.equal(csv, 'a,b\r\n"x,y","say ""hi"""\r\n1,\r\n');
  });
});

describe('simulate plan', () => {
  const options = {
    users: 40,
    days: 10,
    matches: 400,
    seed: 42,
    now: Date.UTC(2031, 5, 1),
    prefix: 'sim',
    pointsToWin: 11,
  };
  it('is the same for the same seed and differs for another', () => {
    const [a, b, c] = [
      planSimulation(options),
      planSimulation(options),
      planSimulation({ ...options, seed: 43 }),
    ];
    assert.deepEqual(a, b);
    assert.notDeepEqual(
      a.matches.map((m) => m.score),
      c.matches.map((m) => m.score),
    );
  });

  it('plans tournaments every size can play, from 2 users up, and refuses fewer', () => {
    for (let users = 2; users <= 40; users++) {
      const plan = planSimulation({ ...options, users, matches: 50 });
      assert.ok(plan.tournaments.length >= 1, `${users} users: a cup at least`);
      for (const t of plan.tournaments) {
        assert.ok(t.players.length >= 2, `${users} users: ${t.name} has ${t.players.length}`);
        assert.ok(t.players.length <= t.capacity && t.capacity >= 4 && t.capacity <= 64);
      }
      const entered = plan.tournaments.flatMap((t) => t.players);
      assert.equal(new Set(entered).size, entered.length, 'nobody plays in two');
      assert.equal(plan.matches.length, 50, `${users} users: every requested match fits`);
    }
    assert.throws(() => planSimulation({ ...options, users: 1 }), /at least 2 users/);
  });

  it("keeps every player's matches in order, inside the period, after registration, with valid timelines", () => {
    const plan = planSimulation(options);
    assert.equal(plan.matches.length, 400, 'every requested match fits');
    const registered = new Map(plan.users.map((u) => [u.username, Date.parse(u.registeredAt)]));
    const lastEnd = new Map<string, number>();
    for (const m of plan.matches) {
      const [start, end] = [Date.parse(m.startedAt), Date.parse(m.endedAt)];
      assert.ok(start < end && end <= options.now && start >= options.now - 10 * 86_400_000);
      for (const p of [m.left, m.right]) {
        assert.ok(start >= (lastEnd.get(p) ?? 0), 'no overlap for one player');
        assert.ok(start > registered.get(p)!, 'after registering');
        lastEnd.set(p, end);
      }
      assert.equal(Math.max(...m.score), 11);
      assert.deepEqual(m.timeline.at(-1)!.score, m.score);
      assert.ok(m.timeline.every((t, i) => i === 0 || t.tick > m.timeline[i - 1]!.tick));
      assert.ok(m.timeline.at(-1)!.tick <= Math.ceil(((end - start) / 1000) * 60));
    }
  });
});
