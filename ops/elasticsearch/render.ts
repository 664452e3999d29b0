/**
 * Renders the retention spec into what Elasticsearch stores: one index
 * template per stream (ECS mappings, `data_stream: {}`, priority 250 so it wins
 * over the built-in `logs-*-*` at 100), one ILM policy per stream (or, in
 * `lifecycle` mode, a `data_retention` on the template), the snapshot
 * repository and the SLM policy. Pure: the same spec always renders the same JSON.
 */
import { logDatasets, type LogDataset } from '../../api/contract/logs.ts';
import { ecsMappings } from './mappings.ts';
import type { RetentionSpec, StreamRetention } from './spec.ts';

export const templatePriority = 250;
const managedBy = { managed_by: 'pongctl', source: 'ops/elasticsearch/retention.yaml' };

export interface DesiredState {
  repositories: Map<string, Record<string, unknown>>;
  ilmPolicies: Map<string, Record<string, unknown>>;
  templates: Map<string, Record<string, unknown>>;
  slmPolicies: Map<string, Record<string, unknown>>;
  /** Data stream lifecycle for existing streams (`lifecycle` mode), keyed by data stream pattern. */
  lifecycles: Map<string, Record<string, unknown>>;
}

/** Template and ILM policy share the stream's name: `logs-pong.api`. */
export function objectName(dataset: string): string {
  return `logs-${dataset}`;
}

function warmActions(warm: NonNullable<StreamRetention['warm']>): Record<string, unknown> {
  const actions: Record<string, unknown> = { set_priority: { priority: 50 } };
  if (warm.readonly) actions.readonly = {};
  if (warm.forcemerge) actions.forcemerge = { max_num_segments: warm.forcemerge.maxSegments };
  if (warm.shrink) actions.shrink = { number_of_shards: warm.shrink.numberOfShards };
  if (warm.allocate) {
    actions.allocate = {
      ...(warm.allocate.numberOfReplicas === undefined
        ? {}
        : { number_of_replicas: warm.allocate.numberOfReplicas }),
      ...(warm.allocate.require ? { require: warm.allocate.require } : {}),
    };
  }
  if (warm.migrate !== undefined) actions.migrate = { enabled: warm.migrate };
  return actions;
}

export function renderIlmPolicy(
  dataset: string,
  stream: StreamRetention,
  spec: RetentionSpec,
): Record<string, unknown> {
  const phases: Record<string, unknown> = {
    hot: {
      min_age: '0ms',
      actions: {
        rollover: {
          max_age: stream.rollover.maxAge,
          ...(stream.rollover.maxPrimaryShardSize
            ? { max_primary_shard_size: stream.rollover.maxPrimaryShardSize }
            : {}),
        },
        set_priority: { priority: 100 },
      },
    },
  };
  if (stream.warm) phases.warm = { min_age: stream.warm.after, actions: warmActions(stream.warm) };
  if (stream.cold) {
    const actions: Record<string, unknown> = { set_priority: { priority: 0 } };
    if (stream.cold.freeze) actions.freeze = {};
    if (stream.cold.readonly) actions.readonly = {};
    if (stream.cold.migrate !== undefined) actions.migrate = { enabled: stream.cold.migrate };
    phases.cold = { min_age: stream.cold.after, actions };
  }
  const deleteActions: Record<string, unknown> = { delete: { delete_searchable_snapshot: true } };
  if (stream.delete.waitForSnapshot)
    deleteActions.wait_for_snapshot = { policy: spec.archive.policy.id };
  phases.delete = { min_age: stream.delete.after, actions: deleteActions };
  return { policy: { _meta: { ...managedBy, dataset }, phases } };
}

export function renderIndexTemplate(
  dataset: string,
  stream: StreamRetention,
  spec: RetentionSpec,
): Record<string, unknown> {
  const settings: Record<string, unknown> = {
    'index.number_of_shards': 1,
    'index.number_of_replicas': spec.replicas,
    'index.codec': 'best_compression',
    'index.mapping.total_fields.limit': 2000,
  };
  const template: Record<string, unknown> = { settings, mappings: ecsMappings() };
  if (spec.mode === 'ilm') settings['index.lifecycle.name'] = objectName(dataset);
  else template.lifecycle = { enabled: true, data_retention: stream.delete.after };
  return {
    index_patterns: [`${objectName(dataset)}-*`],
    data_stream: {},
    priority: templatePriority,
    composed_of: [],
    template,
    _meta: { ...managedBy, dataset, description: stream.description ?? `pongctl ${dataset} logs` },
  };
}

export function renderSlmPolicy(spec: RetentionSpec): Record<string, unknown> {
  const { policy, repository } = spec.archive;
  return {
    schedule: policy.schedule,
    name: policy.snapshotName,
    repository: repository.name,
    config: { indices: policy.indices, include_global_state: false, ignore_unavailable: true },
    retention: {
      expire_after: policy.retention.expireAfter,
      min_count: policy.retention.minCount,
      max_count: policy.retention.maxCount,
    },
    metadata: managedBy,
  };
}

export function renderRepository(spec: RetentionSpec): Record<string, unknown> {
  return { type: spec.archive.repository.type, settings: spec.archive.repository.settings };
}

/** Everything the spec asks for, keyed by the id each object has in Elasticsearch. */
export function renderDesiredState(spec: RetentionSpec): DesiredState {
  const state: DesiredState = {
    repositories: new Map(),
    ilmPolicies: new Map(),
    templates: new Map(),
    slmPolicies: new Map(),
    lifecycles: new Map(),
  };
  state.repositories.set(spec.archive.repository.name, renderRepository(spec));
  for (const dataset of logDatasets as readonly LogDataset[]) {
    const stream = spec.streams[dataset]!;
    if (spec.mode === 'ilm')
      state.ilmPolicies.set(objectName(dataset), renderIlmPolicy(dataset, stream, spec));
    else state.lifecycles.set(`${objectName(dataset)}-*`, { data_retention: stream.delete.after });
    state.templates.set(objectName(dataset), renderIndexTemplate(dataset, stream, spec));
  }
  state.slmPolicies.set(spec.archive.policy.id, renderSlmPolicy(spec));
  return state;
}
