/**
 * `logs archive list|run|restore`: the snapshots of the archive repository,
 * an immediate run of the SLM policy, and a restore that never overwrites the
 * live data streams (restored streams get a prefix unless told otherwise).
 */
import type { Client } from '@elastic/elasticsearch';
import { AppError } from '../../api/contract/errors.ts';
import { pongLogsPattern } from '../../api/contract/logs.ts';
import { esCall } from './connect.ts';
import type { RetentionSpec } from './spec.ts';

export interface SnapshotRow {
  snapshot: string;
  state: string;
  started: string;
  durationMs: number;
  dataStreams: number;
  indices: number;
  policy: string;
}

export async function listSnapshots(client: Client, spec: RetentionSpec): Promise<SnapshotRow[]> {
  const repository = spec.archive.repository.name;
  const res = await esCall(`listing snapshots in ${repository}`, () =>
    client.snapshot.get({ repository, snapshot: '_all' }),
  );
  return (res.snapshots ?? [])
    .map((s) => ({
      snapshot: s.snapshot,
      state: s.state ?? 'UNKNOWN',
      started: s.start_time_in_millis ? new Date(Number(s.start_time_in_millis)).toISOString() : '',
      durationMs: Number(s.end_time_in_millis ?? 0) - Number(s.start_time_in_millis ?? 0),
      dataStreams: s.data_streams?.length ?? 0,
      indices: s.indices?.length ?? 0,
      policy: String((s.metadata as { policy?: string } | undefined)?.policy ?? ''),
    }))
    .sort((a, b) => a.started.localeCompare(b.started) || a.snapshot.localeCompare(b.snapshot));
}

/** Runs the SLM policy now; resolves with the snapshot's name. */
export async function runArchive(client: Client, spec: RetentionSpec): Promise<string> {
  const id = spec.archive.policy.id;
  const res = await esCall(`running SLM policy ${id}`, () =>
    client.slm.executeLifecycle({ policy_id: id }),
  );
  return res.snapshot_name;
}

export interface RestoreOptions {
  snapshot: string;
  /** Data streams or indices to restore; all pong log streams by default. */
  indices?: string[];
  /** Prefix for restored names, so a restore never collides with live streams; '' restores in place. */
  renamePrefix: string;
}

export function restoreBody(options: RestoreOptions): Record<string, unknown> {
  return {
    indices: (options.indices?.length ? options.indices : [pongLogsPattern]).join(','),
    include_global_state: false,
    include_aliases: false,
    ...(options.renamePrefix
      ? { rename_pattern: '(.+)', rename_replacement: `${options.renamePrefix}$1` }
      : {}),
  };
}

export async function restoreArchive(
  client: Client,
  spec: RetentionSpec,
  options: RestoreOptions,
): Promise<Record<string, unknown>> {
  if (!/^[^\s/\\*?"<>|,#]+$/.test(options.snapshot))
    throw new AppError('VALIDATION', `"${options.snapshot}" is not a snapshot name`);
  const repository = spec.archive.repository.name;
  const body = restoreBody(options);
  await esCall(`restoring ${options.snapshot}`, () =>
    client.snapshot.restore({ repository, snapshot: options.snapshot, ...(body as object) }),
  );
  return body;
}
