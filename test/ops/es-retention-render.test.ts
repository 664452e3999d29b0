/**
 * The retention spec: zod validation (unknown fields and missing streams
 * rejected), the rendered templates, ILM, SLM and repository against golden
 * files (UPDATE_GOLDEN=1 rewrites them), data stream lifecycle mode, and the
 * version checks that refuse `freeze` on 8+ and lifecycle before 8.14.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify, parse } from 'yaml';
import { AppError } from '../../api/contract/errors.ts';
import {
  ilmProblems,
  lifecycleProblems,
  parseVersion,
  clientProblems,
} from '../../ops/elasticsearch/compat.ts';
import { renderDesiredState, templatePriority } from '../../ops/elasticsearch/render.ts';
import { compatibilityProblems } from '../../ops/elasticsearch/retention.ts';
import { durationMs, loadRetentionSpec, parseRetentionSpec } from '../../ops/elasticsearch/spec.ts';

const goldenDir = new URL('./golden/elasticsearch/', import.meta.url);

function golden(name: string, value: unknown): void {
  const file = new URL(name, goldenDir);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, text);
  assert.equal(
    text,
    readFileSync(file, 'utf8'),
    `${name} differs from its golden file (UPDATE_GOLDEN=1 to accept)`,
  );
}

function specText(mutate: (raw: any) => void): string {
  const raw = parse(
    readFileSync(new URL('../../ops/elasticsearch/retention.yaml', import.meta.url), 'utf8'),
  );
  mutate(raw);
  return stringify(raw);
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'VALIDATION');
    return (err.details as { path: string; message: string }[]).map(
      (d) => `${d.path}: ${d.message}`,
    );
  }
  assert.fail('expected a validation error');
}

describe('retention spec and rendering', () => {
  const spec = loadRetentionSpec();

  it('loads the committed spec with the retention defaults: app 30 d, game 90 d, audit 365 d', () => {
    assert.equal(spec.streams['pong.api'].delete.after, '30d');
    assert.equal(spec.streams['pong.game'].delete.after, '90d');
    assert.equal(spec.streams['pong.audit'].delete.after, '365d');
    assert.equal(durationMs('365d'), 365 * 86_400_000);
  });

  it('rejects unknown fields and missing streams, reporting every problem at once', () => {
    const problems = problemsOf(() =>
      parseRetentionSpec(
        specText((raw) => {
          raw.streams['pong.api'].warm.forceMerge = { maxSegments: 1 };
          delete raw.streams['pong.game'];
          raw.archive.policy.extra = true;
        }),
      ),
    );
    assert.ok(
      problems.some((p) => p.startsWith('streams.pong.api.warm') && /unrecognized key/i.test(p)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith('streams.pong.game')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith('archive.policy') && /unrecognized key/i.test(p)),
      problems.join('\n'),
    );
  });

  it('rejects durations and sizes Elasticsearch would not take, and min_count > max_count', () => {
    const durations = problemsOf(() =>
      parseRetentionSpec(
        specText(
          (raw) => (
            (raw.streams['pong.audit'].delete.after = '1 year'),
            (raw.streams['pong.api'].rollover.maxPrimaryShardSize = '10 GB')
          ),
        ),
      ),
    );
    assert.ok(
      durations.some((p) => p.startsWith('streams.pong.audit.delete.after: must be a duration')),
      durations.join('\n'),
    );
    assert.ok(
      durations.some((p) =>
        p.startsWith('streams.pong.api.rollover.maxPrimaryShardSize: must be a size'),
      ),
      durations.join('\n'),
    );
    const counts = problemsOf(() =>
      parseRetentionSpec(specText((raw) => (raw.archive.policy.retention.minCount = 900))),
    );
    assert.deepEqual(counts, ['archive.policy.retention: minCount must not exceed maxCount']);
  });

  it('rejects a dataset that is not one of the contract streams', () => {
    const problems = problemsOf(() =>
      parseRetentionSpec(specText((raw) => (raw.streams['pong.chat'] = raw.streams['pong.api']))),
    );
    assert.ok(
      problems.some((p) => p.includes('pong.chat') || /key/i.test(p)),
      problems.join('\n'),
    );
  });

  it('renders templates, ILM policies, the SLM policy and the repository (golden files)', () => {
    const state = renderDesiredState(spec);
    golden('index-template.logs-pong.api.json', state.templates.get('logs-pong.api'));
    golden('ilm-policy.logs-pong.api.json', state.ilmPolicies.get('logs-pong.api'));
    golden('ilm-policy.logs-pong.game.json', state.ilmPolicies.get('logs-pong.game'));
    golden('ilm-policy.logs-pong.audit.json', state.ilmPolicies.get('logs-pong.audit'));
    golden('slm-policy.pong-logs-nightly.json', state.slmPolicies.get('pong-logs-nightly'));
    golden(
      'snapshot-repository.pong-logs-archive.json',
      state.repositories.get('pong-logs-archive'),
    );
    assert.deepEqual(
      [...state.templates.keys()],
      [
        'logs-pong.api',
        'logs-pong.audit',
        'logs-pong.game',
        'logs-pong.postgres',
        'logs-pong.nginx',
      ],
    );
  });

  it('puts every template above the built-in logs-*-* (100) with data_stream: {} and ECS mappings', () => {
    for (const [name, body] of renderDesiredState(spec).templates) {
      const t = body as {
        priority: number;
        data_stream: object;
        index_patterns: string[];
        template: {
          mappings: { properties: Record<string, any> };
          settings: Record<string, unknown>;
        };
      };
      assert.ok(t.priority > 100 && t.priority === templatePriority);
      assert.deepEqual(t.data_stream, {});
      assert.deepEqual(t.index_patterns, [`${name}-*`]);
      assert.equal(t.template.mappings.properties['@timestamp'].type, 'date');
      assert.equal(t.template.mappings.properties.log.properties.level.type, 'keyword');
      assert.equal(t.template.mappings.properties.trace.properties.id.type, 'keyword');
      assert.equal(t.template.settings['index.lifecycle.name'], name);
    }
  });

  it('in lifecycle mode renders data_retention instead of ILM (golden)', () => {
    const state = renderDesiredState(
      parseRetentionSpec(specText((raw) => (raw.mode = 'lifecycle'))),
    );
    assert.equal(state.ilmPolicies.size, 0);
    golden('index-template.logs-pong.audit.lifecycle.json', state.templates.get('logs-pong.audit'));
    assert.deepEqual(state.lifecycles.get('logs-pong.game-*'), { data_retention: '90d' });
  });

  it('refuses freeze on 8.0+ but accepts it on 7.17; refuses lifecycle mode before 8.14', () => {
    const frozen = parseRetentionSpec(
      specText((raw) => (raw.streams['pong.game'].cold = { after: '30d', freeze: true })),
    );
    const state = renderDesiredState(frozen);
    const policy = state.ilmPolicies.get('logs-pong.game')!;
    assert.deepEqual((policy.policy as any).phases.cold.actions.freeze, {});
    assert.match(
      ilmProblems('logs-pong.game', policy, parseVersion('9.1.0')).join('\n'),
      /"freeze" \(cold phase\) was removed in Elasticsearch 8\.0/,
    );
    assert.match(ilmProblems('logs-pong.game', policy, parseVersion('8.0.0')).join('\n'), /freeze/);
    assert.deepEqual(ilmProblems('logs-pong.game', policy, parseVersion('7.17.25')), []);
    assert.equal(compatibilityProblems(frozen, state, parseVersion('9.1.0')).length, 1);
    assert.match(lifecycleProblems(parseVersion('8.13.4')).join(''), /8\.14/);
    assert.deepEqual(lifecycleProblems(parseVersion('8.14.0')), []);
    assert.match(clientProblems(parseVersion('8.17.0')).join(''), /client's major must match/);
    assert.deepEqual(clientProblems(parseVersion('9.0.3')), []);
  });

  it('refuses actions in the wrong phase', () => {
    const problems = ilmProblems(
      'p',
      { policy: { phases: { hot: { actions: { delete: {} } }, lukewarm: { actions: {} } } } },
      parseVersion('9.1.0'),
    );
    assert.deepEqual(problems, [
      'p: the ILM action "delete" is not allowed in the hot phase',
      'p: unknown ILM phase "lukewarm"',
    ]);
  });
});
