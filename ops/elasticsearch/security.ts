/**
 * `logs setup-security`: the roles least privilege needs and the API keys
 * minted from them — shipper (the API's direct shipping), Logstash, the ops
 * CLI, and read-only access for Kibana users. Roles are PUT (idempotent); a key
 * is minted only when asked for, and its secret is returned once.
 */
import type { Client } from '@elastic/elasticsearch';
import { pongLogsPattern } from '../../api/contract/logs.ts';
import { esCall } from './connect.ts';

type Descriptor = Record<string, unknown>;

export const roles: Record<string, Descriptor> = {
  pong_logs_writer: {
    description: 'Ship pongctl logs: append documents to logs-pong.* data streams, nothing else',
    cluster: ['monitor'],
    indices: [{ names: [pongLogsPattern], privileges: ['create_doc', 'auto_configure'] }],
    metadata: { managed_by: 'pongctl' },
  },
  pong_logs_admin: {
    description: 'pongctl ops: templates, ILM, SLM, snapshots and log search for logs-pong.*',
    cluster: [
      'monitor',
      'manage_ilm',
      'manage_index_templates',
      'manage_slm',
      'create_snapshot',
      'monitor_snapshot',
      'cluster:admin/repository/*',
      'cluster:admin/snapshot/*',
    ],
    indices: [
      {
        names: [pongLogsPattern],
        privileges: ['read', 'view_index_metadata', 'manage_ilm', 'manage_data_stream_lifecycle'],
      },
      { names: ['restored-logs-pong.*'], privileges: ['all'] },
    ],
    // `pongctl kibana apply|diff` import and export saved objects with this key.
    applications: [
      {
        application: 'kibana-.kibana',
        privileges: [
          'feature_savedObjectsManagement.all',
          'feature_indexPatterns.all',
          'feature_discover.all',
          'feature_dashboard.all',
          'feature_visualize.all',
        ],
        resources: ['*'],
      },
    ],
    metadata: { managed_by: 'pongctl' },
  },
  pong_logs_reader: {
    description: 'Read pongctl logs in Kibana: Discover and dashboards, read-only',
    cluster: [],
    indices: [{ names: [pongLogsPattern], privileges: ['read', 'view_index_metadata'] }],
    applications: [
      {
        application: 'kibana-.kibana',
        privileges: ['feature_discover.read', 'feature_dashboard.read', 'feature_visualize.read'],
        resources: ['*'],
      },
    ],
    metadata: { managed_by: 'pongctl' },
  },
};

/** The keys setup-security can mint, each limited to one role. */
export const apiKeys = {
  shipper: {
    name: 'pong-logs-shipper',
    role: 'pong_logs_writer',
    use: 'LOG_ELASTICSEARCH_API_KEY of the API (direct shipping)',
  },
  logstash: {
    name: 'pong-logs-logstash',
    role: 'pong_logs_writer',
    use: 'LOGSTASH_ES_API_KEY of Logstash',
  },
  ops: {
    name: 'pong-logs-ops',
    role: 'pong_logs_admin',
    use: 'PONGCTL_ES_API_KEY for pongctl logs / kibana',
  },
  reader: {
    name: 'pong-logs-kibana-reader',
    role: 'pong_logs_reader',
    use: 'read-only access to logs and Kibana dashboards',
  },
} as const;

export type KeyKind = keyof typeof apiKeys;

export async function putRoles(client: Client): Promise<{ role: string; created: boolean }[]> {
  const out: { role: string; created: boolean }[] = [];
  for (const [name, descriptor] of Object.entries(roles)) {
    const res = await esCall(`creating role ${name}`, () =>
      client.security.putRole({ name, ...(descriptor as object) }),
    );
    out.push({ role: name, created: res.role.created });
  }
  return out;
}

export interface MintedKey {
  kind: KeyKind;
  name: string;
  id: string;
  /** `base64(id:api_key)`: what `Authorization: ApiKey …` and the env variables take. Shown once. */
  encoded: string;
  use: string;
}

export async function mintKey(client: Client, kind: KeyKind): Promise<MintedKey> {
  const spec = apiKeys[kind];
  const { description: _description, metadata: _metadata, ...descriptor } = roles[spec.role]!;
  const res = await esCall(`creating API key ${spec.name}`, () =>
    client.security.createApiKey({
      name: spec.name,
      role_descriptors: { [spec.role]: descriptor as never },
      metadata: { managed_by: 'pongctl', kind },
    }),
  );
  return { kind, name: spec.name, id: res.id, encoded: res.encoded, use: spec.use };
}
