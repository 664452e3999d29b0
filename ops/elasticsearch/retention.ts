/**
 * `logs retention diff|apply`: plans the desired retention objects against the
 * live cluster with the shared engine (ops/lib/plan.ts), refuses what the
 * cluster version does not support, requires confirmation before a retention
 * gets shorter, applies in dependency order (repository → ILM → templates →
 * SLM → data stream lifecycle) and verifies that a second plan is empty.
 */
import type { Client } from '@elastic/elasticsearch';
import { AppError } from '../../api/contract/errors.ts';
import {
  applyChanges,
  hasDifferences,
  planChanges,
  type ApplyResult,
  type Change,
} from '../lib/plan.ts';
import { ilmProblems, lifecycleProblems, type ClusterVersion } from './compat.ts';
import { esCall } from './connect.ts';
import { normalizers, readLiveState } from './live.ts';
import { renderDesiredState, type DesiredState } from './render.ts';
import { durationMs, type RetentionSpec } from './spec.ts';

type Obj = Record<string, unknown>;

const kinds = [
  ['snapshot-repository', 'repositories'],
  ['ilm-policy', 'ilmPolicies'],
  ['index-template', 'templates'],
  ['slm-policy', 'slmPolicies'],
  ['data-stream-lifecycle', 'lifecycles'],
] as const;

/** Changes in apply order. */
export function planRetention(desired: DesiredState, live: DesiredState): Change<Obj>[] {
  return kinds.flatMap(([kind, key]) =>
    planChanges<Obj>(kind, desired[key], live[key], { normalize: normalizers[kind] }),
  );
}

/** What the cluster version cannot do with this desired state. */
export function compatibilityProblems(
  spec: RetentionSpec,
  desired: DesiredState,
  version: ClusterVersion,
): string[] {
  const problems = [...desired.ilmPolicies].flatMap(([name, body]) =>
    ilmProblems(name, body, version),
  );
  if (spec.mode === 'lifecycle') problems.push(...lifecycleProblems(version));
  return problems;
}

function deleteAge(kind: string, body: Obj | undefined): number | undefined {
  if (!body) return undefined;
  if (kind === 'ilm-policy') {
    const phases = (body.policy as { phases?: { delete?: { min_age?: string } } })?.phases;
    return durationMs(phases?.delete?.min_age) ?? Infinity;
  }
  if (kind === 'data-stream-lifecycle')
    return durationMs(body.data_retention as string) ?? Infinity;
  if (kind === 'index-template') {
    const lifecycle = (body.template as { lifecycle?: { data_retention?: string } })?.lifecycle;
    return lifecycle ? (durationMs(lifecycle.data_retention) ?? Infinity) : undefined;
  }
  return undefined;
}

/** Updates that delete data sooner than the live object does: `apply` needs --confirm for these. */
export function shortenedRetentions(
  changes: readonly Change<Obj>[],
): { kind: string; id: string; from: string; to: string }[] {
  const days = (ms: number) => (ms === Infinity ? 'forever' : `${Math.round(ms / 86_400_000)}d`);
  return changes.flatMap((c) => {
    if (c.action !== 'update') return [];
    const before = deleteAge(c.kind, c.live);
    const after = deleteAge(c.kind, c.desired);
    return before !== undefined && after !== undefined && after < before
      ? [{ kind: c.kind, id: c.id, from: days(before), to: days(after) }]
      : [];
  });
}

function putHandler(client: Client): (change: Change<Obj>) => Promise<void> {
  return async (change) => {
    const body = change.desired!;
    const what = `${change.action === 'create' ? 'creating' : 'updating'} ${change.kind} ${change.id}`;
    await esCall(what, async () => {
      switch (change.kind) {
        case 'snapshot-repository':
          return client.snapshot.createRepository({ name: change.id, repository: body as never });
        case 'ilm-policy':
          return client.ilm.putLifecycle({ name: change.id, policy: body.policy as never });
        case 'index-template':
          return client.indices.putIndexTemplate({ name: change.id, ...(body as object) });
        case 'slm-policy':
          return client.slm.putLifecycle({ policy_id: change.id, ...(body as object) });
        case 'data-stream-lifecycle':
          return client.indices.putDataLifecycle({
            name: change.id,
            data_retention: body.data_retention as string,
          });
        default:
          throw new AppError('INTERNAL', `unknown object kind ${change.kind}`);
      }
    });
  };
}

export interface RetentionRun {
  desired: DesiredState;
  changes: Change<Obj>[];
  problems: string[];
}

export async function diffRetention(
  client: Client,
  spec: RetentionSpec,
  version: ClusterVersion,
): Promise<RetentionRun> {
  const desired = renderDesiredState(spec);
  const live = await readLiveState(client, desired);
  return {
    desired,
    changes: planRetention(desired, live),
    problems: compatibilityProblems(spec, desired, version),
  };
}

export interface ApplyOptions {
  confirm: boolean;
  dryRun?: boolean;
}

/** Applies the plan; throws before touching anything when the cluster cannot take it or confirmation is missing. */
export async function applyRetention(
  client: Client,
  spec: RetentionSpec,
  version: ClusterVersion,
  options: ApplyOptions,
): Promise<RetentionRun & { result: ApplyResult }> {
  const run = await diffRetention(client, spec, version);
  if (run.problems.length > 0)
    throw new AppError(
      'VALIDATION',
      `Elasticsearch ${version.number} does not support this retention spec`,
      run.problems,
    );
  const shortened = shortenedRetentions(run.changes);
  if (shortened.length > 0 && !options.confirm && !options.dryRun) {
    throw new AppError(
      'VALIDATION',
      'this apply shortens retention (data would be deleted sooner); re-run with --confirm',
      shortened.map((s) => `${s.kind} ${s.id}: ${s.from} → ${s.to}`),
    );
  }
  const put = putHandler(client);
  const result = await applyChanges(
    run.changes,
    { create: put, update: put },
    { dryRun: options.dryRun },
  );
  if (!options.dryRun && result.applied.length > 0) {
    const after = planRetention(run.desired, await readLiveState(client, run.desired));
    if (hasDifferences(after)) {
      throw new AppError(
        'CONFLICT',
        'applied, but the cluster does not match the spec afterwards',
        after.filter((c) => c.action !== 'unchanged').map((c) => `${c.kind} ${c.id}: ${c.action}`),
      );
    }
  }
  return { ...run, result };
}
