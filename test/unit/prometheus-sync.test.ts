/**
 * `alerts diff` / `alerts apply` offline: rule-file planning against a real
 * directory, loaded-rules planning, --dry-run and --prune. Prometheus itself
 * is a stand-in that does what its documented HTTP API does with rule files:
 * on reload it loads every file of the directory, and /api/v1/rules reports
 * the groups with hold times in seconds. test/ops/prometheus-live.test.ts
 * runs the same verbs against a real Prometheus.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { durationMs } from '../../ops/lib/duration.ts';
import { desiredRuleFiles } from '../../ops/prometheus/apply.ts';
import type { LiveGroup } from '../../ops/prometheus/live.ts';
import { opsPaths } from '../../ops/prometheus/paths.ts';
import { applyRules, inSync, planRules, type RulesTarget } from '../../ops/prometheus/sync.ts';

interface RuleFile {
  groups: {
    name: string;
    rules: {
      alert?: string;
      record?: string;
      expr: string;
      for?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    }[];
  }[];
}

/** Loads what is in `dir` when told to reload, as Prometheus does. */
function prometheusOn(dir: string) {
  let loaded: LiveGroup[] = [];
  const state = { reloads: 0 };
  const client: RulesTarget['client'] = {
    async rules() {
      return loaded;
    },
    async reload() {
      state.reloads++;
      loaded = readdirSync(dir)
        .filter((f) => f.endsWith('.yml'))
        .flatMap((f) =>
          (parse(readFileSync(path.join(dir, f), 'utf8')) as RuleFile).groups.map((g) => ({
            name: g.name,
            file: path.join('/etc/prometheus/rules', f),
            rules: g.rules.map((r) =>
              r.alert
                ? {
                    name: r.alert,
                    query: r.expr,
                    type: 'alerting' as const,
                    duration: (durationMs(r.for ?? '0s') ?? 0) / 1000,
                    labels: r.labels ?? {},
                    annotations: r.annotations ?? {},
                  }
                : { name: r.record!, query: r.expr, type: 'recording' as const, labels: r.labels },
            ),
          })),
        );
    },
  };
  return { client, state };
}

const committed = () => desiredRuleFiles(opsPaths.rulesDir);
const actions = (changes: { action: string }[]) =>
  changes.reduce<Record<string, number>>(
    (n, c) => ({ ...n, [c.action]: (n[c.action] ?? 0) + 1 }),
    {},
  );

describe('alerts diff/apply against a rules directory (offline)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-rules-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('plans every committed file and group into an empty directory, applies them, and is then in sync', async () => {
    const prometheus = prometheusOn(dir);
    const target = { dir, client: prometheus.client, desired: committed() };
    const plan = await planRules(target, false);
    assert.deepEqual(actions(plan.files), { create: target.desired.size });
    assert.ok(plan.loaded.every((c) => c.action === 'create'));
    assert.equal(inSync(plan), false);

    const result = await applyRules(target, plan);
    assert.equal(result.applied.length, target.desired.size);
    assert.equal(prometheus.state.reloads, 1);
    assert.deepEqual(readdirSync(dir).sort(), [...target.desired.keys()].sort());
    assert.equal(inSync(await planRules(target, false)), true);
  });

  it('--dry-run writes nothing and does not reload', async () => {
    const prometheus = prometheusOn(dir);
    const target = { dir, client: prometheus.client, desired: committed() };
    const result = await applyRules(target, await planRules(target, false), { dryRun: true });
    assert.equal(result.applied.length, target.desired.size, 'reports what it would apply');
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(prometheus.state.reloads, 0);
  });

  it('sees a hand edit as an update, not formatting; and a file Prometheus has not loaded yet', async () => {
    const prometheus = prometheusOn(dir);
    const target = { dir, client: prometheus.client, desired: committed() };
    await applyRules(target, await planRules(target, false));
    const [name, file] = [...target.desired].find(([, f]) => f.text.includes('for: '))!;
    // A comment only: the same content.
    writeFileSync(path.join(dir, name), `# reviewed by hand\n${file.text}`);
    assert.equal(inSync(await planRules(target, false)), true, 'formatting is not a difference');

    const hold = /for: (\S+)/.exec(file.text)![1]!;
    writeFileSync(path.join(dir, name), file.text.replace(`for: ${hold}`, 'for: 59m'));
    let plan = await planRules(target, false);
    assert.deepEqual(
      plan.files.filter((c) => c.action !== 'unchanged').map((c) => [c.action, c.id]),
      [['update', name]],
    );
    assert.ok(
      plan.loaded.every((c) => c.action === 'unchanged'),
      'not reloaded yet',
    );

    await prometheus.client.reload();
    plan = await planRules(target, false);
    assert.ok(
      plan.loaded.some((c) => c.action === 'update'),
      'the loaded hold time differs now',
    );
    await applyRules(target, plan);
    assert.equal(inSync(await planRules(target, false)), true);
  });

  it('leaves files it does not own unless --prune, which deletes them', async () => {
    const prometheus = prometheusOn(dir);
    const target = { dir, client: prometheus.client, desired: committed() };
    await applyRules(target, await planRules(target, false));
    const stray = 'someone-else.yml';
    writeFileSync(
      path.join(dir, stray),
      'groups:\n  - name: theirs\n    rules:\n      - record: x:y\n        expr: vector(1)\n',
    );
    await prometheus.client.reload();

    const kept = await planRules(target, false);
    assert.ok(kept.files.every((c) => c.action === 'unchanged'));
    assert.ok(
      kept.loaded.some((c) => c.action === 'delete'),
      'the stray group is loaded',
    );

    const pruned = await planRules(target, true);
    assert.deepEqual(
      pruned.files.filter((c) => c.action !== 'unchanged').map((c) => [c.action, c.id]),
      [['delete', stray]],
    );
    await applyRules(target, pruned);
    assert.ok(!readdirSync(dir).includes(stray));
    assert.equal(inSync(await planRules(target, true)), true);
  });
});
