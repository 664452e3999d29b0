/**
 * `logs retention show` and `logs retention status`: desired versus live per
 * stream (policy, phases, effective retention, backing indices and their size),
 * and ILM explain for the pong data streams (indices in error or stuck on one
 * step), with retry of the failed ones.
 */
import type { Client } from '@elastic/elasticsearch';
import { logDatasets } from '../../api/contract/logs.ts';
import { esCall } from './connect.ts';
import { objectName, renderDesiredState } from './render.ts';
import { durationMs, type RetentionSpec } from './spec.ts';

export interface StreamRow {
  dataset: string;
  policy: string;
  desiredPhases: string;
  livePhases: string;
  desiredRetention: string;
  liveRetention: string;
  dataStreams: number;
  indices: number;
  sizeBytes: number;
}

type Phases = Record<string, { min_age?: string; actions?: Record<string, unknown> }>;

function phaseSummary(phases: Phases | undefined): string {
  if (!phases) return '(none)';
  const order = ['hot', 'warm', 'cold', 'frozen', 'delete'];
  return Object.keys(phases)
    .sort((a, b) => order.indexOf(a) - order.indexOf(b))
    .map((p) => `${p}@${phases[p]!.min_age ?? '0ms'}`)
    .join(' → ');
}

const day = 86_400_000;

/** Longest a document can live: until rollover (max_age) plus the delete phase's min_age, which counts from rollover. */
export function effectiveRetention(phases: Phases | undefined): string {
  if (!phases) return '(no policy)';
  const deleteAt = durationMs(phases.delete?.min_age);
  if (deleteAt === undefined) return 'forever';
  const rollover = (phases.hot?.actions?.rollover as { max_age?: string } | undefined)?.max_age;
  const total = deleteAt + (durationMs(rollover) ?? 0);
  return `${Math.round(total / day)}d`;
}

export async function showRetention(client: Client, spec: RetentionSpec): Promise<StreamRow[]> {
  const desired = renderDesiredState(spec);
  const rows: StreamRow[] = [];
  for (const dataset of logDatasets) {
    const name = objectName(dataset);
    const live = await esCall(
      `reading ILM policy ${name}`,
      () => client.ilm.getLifecycle({ name }),
      () => undefined,
    );
    const livePhases = (live as Record<string, { policy: { phases: Phases } }> | undefined)?.[name]
      ?.policy.phases;
    const desiredPhases = (desired.ilmPolicies.get(name)?.policy as { phases: Phases } | undefined)
      ?.phases;
    const stats = await esCall(
      `reading data stream stats ${name}-*`,
      () => client.indices.dataStreamsStats({ name: `${name}-*` }),
      () => undefined,
    );
    const streams = (stats?.data_streams ?? []) as {
      backing_indices: number;
      store_size_bytes?: number;
    }[];
    const desiredRetention =
      spec.mode === 'ilm' ? effectiveRetention(desiredPhases) : spec.streams[dataset]!.delete.after;
    rows.push({
      dataset,
      policy: spec.mode === 'ilm' ? name : 'data stream lifecycle',
      desiredPhases:
        spec.mode === 'ilm'
          ? phaseSummary(desiredPhases)
          : `data_retention ${spec.streams[dataset]!.delete.after}`,
      livePhases: livePhases ? phaseSummary(livePhases) : '(missing)',
      desiredRetention,
      liveRetention: livePhases ? effectiveRetention(livePhases) : '(missing)',
      dataStreams: streams.length,
      indices: streams.reduce((n, s) => n + s.backing_indices, 0),
      sizeBytes: streams.reduce((n, s) => n + (s.store_size_bytes ?? 0), 0),
    });
  }
  return rows;
}

export interface IlmIndexStatus {
  index: string;
  policy: string;
  phase: string;
  action: string;
  step: string;
  problem: 'error' | 'stuck' | null;
  reason: string;
}

interface ExplainEntry {
  index: string;
  managed: boolean;
  policy?: string;
  phase?: string;
  action?: string;
  step?: string;
  failed_step?: string;
  step_time_millis?: number;
  step_info?: { type?: string; reason?: string };
}

/** ILM explain for logs-pong.*: each managed index, flagged when in ERROR or on one step for longer than `stuckAfterMs`. */
export async function ilmStatus(
  client: Client,
  options: { now: number; stuckAfterMs: number },
): Promise<IlmIndexStatus[]> {
  const res = await esCall('ILM explain', () =>
    client.ilm.explainLifecycle({ index: 'logs-pong.*', only_managed: true }),
  );
  return Object.values(res.indices as Record<string, ExplainEntry>)
    .filter((e) => e.managed)
    .map((e) => {
      const error = e.step === 'ERROR';
      const stuck =
        !error &&
        e.step !== 'complete' &&
        e.step_time_millis !== undefined &&
        options.now - e.step_time_millis > options.stuckAfterMs;
      return {
        index: e.index,
        policy: e.policy ?? '',
        phase: e.phase ?? '',
        action: e.action ?? '',
        step: error ? `ERROR (at ${e.failed_step ?? '?'})` : (e.step ?? ''),
        problem: error ? 'error' : stuck ? 'stuck' : null,
        reason: e.step_info?.reason
          ? `${e.step_info.type ?? 'error'}: ${e.step_info.reason}`
          : stuck
            ? `on this step since ${new Date(e.step_time_millis!).toISOString()}`
            : '',
      } satisfies IlmIndexStatus;
    })
    .sort((a, b) => a.index.localeCompare(b.index));
}

/** Retries the failed step of each index in ERROR; returns the indices retried. */
export async function retryFailed(
  client: Client,
  statuses: readonly IlmIndexStatus[],
): Promise<string[]> {
  const failed = statuses.filter((s) => s.problem === 'error').map((s) => s.index);
  for (const index of failed)
    await esCall(`retrying ILM on ${index}`, () => client.ilm.retry({ index }));
  return failed;
}
