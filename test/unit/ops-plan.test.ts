import assert from 'node:assert/strict';
import { applyChanges, hasDifferences, planChanges, renderPlan } from '../../ops/lib/plan.ts';
import { unifiedDiff } from '../../ops/lib/line-diff.ts';

describe('ops plan engine', () => {
  const desired = new Map([
    ['a', { title: 'A', panels: [1, 2] }],
    ['b', { title: 'B' }],
  ]);

  it('plans create, update, unchanged and (with prune) delete', () => {
    const live = new Map<string, unknown>([
      ['a', { panels: [1, 3], title: 'A', version: 7 }],
      ['b', { title: 'B', version: 2 }],
      ['z', { title: 'Z' }],
    ]);
    const normalize = (o: unknown) => {
      const { version: _v, ...rest } = o as Record<string, unknown>;
      return rest;
    };
    const changes = planChanges('dashboard', desired as Map<string, unknown>, live, {
      normalize,
      prune: true,
    });
    assert.deepEqual(
      changes.map((c) => [c.id, c.action]),
      [
        ['a', 'update'],
        ['b', 'unchanged'],
        ['z', 'delete'],
      ],
    );
    assert.ok(
      changes[0]!.diff.includes('-    3') && changes[0]!.diff.includes('+    2'),
      changes[0]!.diff.join('\n'),
    );
    assert.ok(hasDifferences(changes));
    assert.match(
      renderPlan(changes, { color: false }),
      /0 to create, 1 to update, 1 to delete, 1 unchanged/,
    );
  });

  it('finds no differences when live equals desired up to key order', () => {
    const live = new Map<string, unknown>([
      ['a', { panels: [1, 2], title: 'A' }],
      ['b', { title: 'B' }],
    ]);
    assert.equal(hasDifferences(planChanges('x', desired as Map<string, unknown>, live)), false);
  });

  it('applies only what changed, and nothing on a dry run', async () => {
    const calls: string[] = [];
    const changes = planChanges(
      'x',
      desired as Map<string, unknown>,
      new Map([['b', { title: 'B' }]]),
    );
    const handlers = {
      create: async (c: { id: string }) => void calls.push(`create ${c.id}`),
      update: async (c: { id: string }) => void calls.push(`update ${c.id}`),
    };
    const dry = await applyChanges(changes, handlers, { dryRun: true });
    assert.deepEqual(calls, []);
    assert.equal(dry.applied.length, 1);
    const real = await applyChanges(changes, handlers);
    assert.deepEqual(calls, ['create a']);
    assert.equal(real.unchanged, 1);
  });

  it('prints a unified diff with context and hunk separators', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 2', 'line two').replace('line 17', 'line seventeen');
    const diff = unifiedDiff(before, after, 1);
    assert.deepEqual(diff, [
      ' line 1',
      '-line 2',
      '+line two',
      ' line 3',
      '@@',
      ' line 16',
      '-line 17',
      '+line seventeen',
      ' line 18',
    ]);
    assert.deepEqual(unifiedDiff('same', 'same'), []);
  });
});
