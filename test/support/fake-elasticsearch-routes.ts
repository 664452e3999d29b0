/**
 * The routes of the fake Elasticsearch (test/support/fake-elasticsearch.ts):
 * the documented request and response shapes of the APIs pongctl uses, with
 * the server-side normalisation a real cluster applies (hot `min_age: 0ms`,
 * data_stream defaults, versions and modification dates), kept in memory.
 */
import type { FakeAnswer, FakeHandler, RecordedRequest } from './fake-elasticsearch.ts';
import { esError } from './fake-elasticsearch.ts';

export interface FakeDataStream {
  name: string;
  indices: string[];
  template: string;
  ilmPolicy?: string;
  lifecycle?: { enabled: boolean; data_retention?: string };
  storeBytes: number;
}

export interface FakeSnapshot {
  snapshot: string;
  state: string;
  indices: string[];
  data_streams: string[];
  start_time: string;
  start_time_in_millis: number;
  end_time_in_millis: number;
  metadata?: Record<string, unknown>;
}

export interface EsState {
  /** When non-empty, only these Authorization header values are accepted. */
  validCredentials: Set<string>;
  ilm: Map<string, { version: number; modified_date: string; policy: Record<string, unknown> }>;
  templates: Map<string, { version: number; body: Record<string, unknown> }>;
  slm: Map<string, { version: number; policy: Record<string, unknown> }>;
  repositories: Map<string, { type: string; settings: Record<string, unknown> }>;
  dataStreams: Map<string, FakeDataStream>;
  /** ILM explain entries by backing index. */
  explain: Map<string, Record<string, unknown>>;
  snapshots: Map<string, FakeSnapshot[]>;
  roles: Map<string, unknown>;
  apiKeys: { id: string; name: string; body: Record<string, unknown> }[];
  /** Documents returned by _search, newest or oldest first as the request sorts them. */
  documents: { _index: string; _id: string; _source: Record<string, unknown> }[];
  bulkDocuments: number;
  restores: { repository: string; snapshot: string; body: unknown }[];
}

export function emptyEsState(): EsState {
  return {
    validCredentials: new Set(),
    ilm: new Map(),
    templates: new Map(),
    slm: new Map(),
    repositories: new Map(),
    dataStreams: new Map(),
    explain: new Map(),
    snapshots: new Map(),
    roles: new Map(),
    apiKeys: [],
    documents: [],
    bulkDocuments: 0,
    restores: [],
  };
}

const fixedDate = '2026-11-21T08:00:00.000Z';
const ok = (body: unknown = { acknowledged: true }): FakeAnswer => ({ status: 200, body });
const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split(',')
      .map((p) => p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*'))
      .join('|')}$`,
  );

/** A real cluster returns the hot phase with `min_age: 0ms` even when it was sent without one. */
function normalizeIlm(policy: Record<string, unknown>): Record<string, unknown> {
  const phases = { ...(policy.phases as Record<string, Record<string, unknown>>) };
  for (const [name, phase] of Object.entries(phases)) phases[name] = { min_age: '0ms', ...phase };
  return { ...policy, phases };
}

/** Elasticsearch stores `"index.number_of_shards": 1` as `{index: {number_of_shards: "1"}}`. */
function nestSettings(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = (key.startsWith('index.') ? key : `index.${key}`).split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) node = node[part] ??= {};
    node[parts.at(-1)!] = String(value);
  }
  return out;
}

function normalizeTemplate(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { composed_of: [], ...body };
  const template = body.template as { settings?: Record<string, unknown> } | undefined;
  if (template?.settings) out.template = { ...template, settings: nestSettings(template.settings) };
  if (body.data_stream)
    out.data_stream = {
      hidden: false,
      allow_custom_routing: false,
      ...(body.data_stream as object),
    };
  return out;
}

function info(version: string): FakeHandler {
  return () =>
    ok({
      name: 'fake-node',
      cluster_name: 'pong',
      cluster_uuid: 'fake-uuid',
      version: {
        number: version,
        build_flavor: 'default',
        lucene_version: '10.0.0',
        minimum_wire_compatibility_version: '8.18.0',
        minimum_index_compatibility_version: '8.0.0',
      },
      tagline: 'You Know, for Search',
    });
}

const ilmRoutes: Record<string, FakeHandler> = {
  'GET /_ilm/policy/:name': (_req, p, s) => {
    const found = s.ilm.get(p.name!);
    return found
      ? ok({
          [p.name!]: {
            ...found,
            in_use_by: { indices: [], data_streams: [], composable_templates: [] },
          },
        })
      : esError(404, 'resource_not_found_exception', `Lifecycle policy not found: ${p.name}`);
  },
  'PUT /_ilm/policy/:name': (req, p, s) => {
    const body = req.json as { policy?: Record<string, unknown> };
    if (!body?.policy) return esError(400, 'parse_exception', 'request body is required');
    const previous = s.ilm.get(p.name!);
    s.ilm.set(p.name!, {
      version: (previous?.version ?? 0) + 1,
      modified_date: fixedDate,
      policy: normalizeIlm(body.policy),
    });
    return ok();
  },
  'GET /:index/_ilm/explain': (req, p, s) => {
    const pattern = wildcard(p.index!);
    const onlyErrors = req.query.only_errors === 'true';
    const indices = Object.fromEntries(
      [...s.explain].filter(
        // A data stream pattern resolves to its backing indices (.ds-<stream>-<date>-<generation>).
        ([name, e]) =>
          (pattern.test(name) || pattern.test(name.replace(/^\.ds-/, ''))) &&
          (!onlyErrors || e.step === 'ERROR'),
      ),
    );
    return ok({ indices });
  },
  'POST /:index/_ilm/retry': (_req, p, s) => {
    const entry = s.explain.get(p.index!);
    if (!entry || entry.step !== 'ERROR')
      return esError(
        400,
        'illegal_argument_exception',
        `cannot retry an action for an index [${p.index}] that has not encountered an error when running a Lifecycle Policy`,
      );
    s.explain.set(p.index!, {
      ...entry,
      step: entry.failed_step,
      failed_step: undefined,
      step_info: undefined,
    });
    return ok();
  },
};

const templateRoutes: Record<string, FakeHandler> = {
  'GET /_index_template/:name': (_req, p, s) => {
    const found = s.templates.get(p.name!);
    return found
      ? ok({ index_templates: [{ name: p.name, index_template: normalizeTemplate(found.body) }] })
      : esError(
          404,
          'resource_not_found_exception',
          `index template matching [${p.name}] not found`,
        );
  },
  'PUT /_index_template/:name': (req, p, s) => {
    const body = req.json as Record<string, unknown>;
    if (req.query.create === 'true' && s.templates.has(p.name!))
      return esError(
        409,
        'illegal_argument_exception',
        `index template [${p.name}] already exists`,
      );
    s.templates.set(p.name!, { version: (s.templates.get(p.name!)?.version ?? 0) + 1, body });
    return ok();
  },
};

const slmRoutes: Record<string, FakeHandler> = {
  'GET /_slm/policy/:id': (_req, p, s) => {
    const found = s.slm.get(p.id!);
    return found
      ? ok({
          [p.id!]: {
            version: found.version,
            modified_date_millis: 1,
            policy: found.policy,
            next_execution_millis: 2,
            stats: { policy: p.id, snapshots_taken: 0, snapshots_failed: 0 },
          },
        })
      : esError(
          404,
          'resource_not_found_exception',
          `snapshot lifecycle policy or policies [${p.id}] not found`,
        );
  },
  'PUT /_slm/policy/:id': (req, p, s) => {
    const body = req.json as Record<string, unknown>;
    if (!s.repositories.has(String(body.repository)))
      return esError(
        400,
        'illegal_argument_exception',
        `no such repository [${String(body.repository)}]`,
      );
    s.slm.set(p.id!, { version: (s.slm.get(p.id!)?.version ?? 0) + 1, policy: body });
    return ok();
  },
  'PUT /_slm/policy/:id/_execute': (_req, p, s) => {
    const policy = s.slm.get(p.id!);
    if (!policy)
      return esError(
        404,
        'resource_not_found_exception',
        `snapshot lifecycle policy or policies [${p.id}] not found`,
      );
    const repo = String(policy.policy.repository);
    const name = `pong-logs-2026.11.21-${(s.snapshots.get(repo)?.length ?? 0) + 1}`;
    const list = s.snapshots.get(repo) ?? [];
    list.push({
      snapshot: name,
      state: 'SUCCESS',
      indices: [],
      data_streams: [...s.dataStreams.keys()],
      start_time: fixedDate,
      start_time_in_millis: 1,
      end_time_in_millis: 2,
      metadata: { policy: p.id },
    });
    s.snapshots.set(repo, list);
    return ok({ snapshot_name: name });
  },
};

const snapshotRoutes: Record<string, FakeHandler> = {
  'GET /_snapshot/:repo': (_req, p, s) => {
    const found = s.repositories.get(p.repo!);
    return found
      ? ok({ [p.repo!]: found })
      : esError(404, 'repository_missing_exception', `[${p.repo}] missing`);
  },
  'PUT /_snapshot/:repo': (req, p, s) => {
    const body = req.json as { type: string; settings: Record<string, unknown> };
    s.repositories.set(p.repo!, {
      type: body.type,
      settings: Object.fromEntries(
        Object.entries(body.settings ?? {}).map(([k, v]) => [k, String(v)]),
      ),
    });
    return ok();
  },
  'GET /_snapshot/:repo/:snapshot': (_req, p, s) => {
    if (!s.repositories.has(p.repo!))
      return esError(404, 'repository_missing_exception', `[${p.repo}] missing`);
    const list = s.snapshots.get(p.repo!) ?? [];
    const pattern = wildcard(p.snapshot === '_all' ? '*' : p.snapshot!);
    return ok({
      snapshots: list
        .filter((x) => pattern.test(x.snapshot))
        .map((x) => ({ ...x, repository: p.repo })),
      total: list.length,
      remaining: 0,
    });
  },
  'POST /_snapshot/:repo/:snapshot/_restore': (req, p, s) => {
    const snap = (s.snapshots.get(p.repo!) ?? []).find((x) => x.snapshot === p.snapshot);
    if (!snap)
      return esError(404, 'snapshot_missing_exception', `[${p.repo}:${p.snapshot}] is missing`);
    s.restores.push({ repository: p.repo!, snapshot: p.snapshot!, body: req.json });
    return ok({ accepted: true });
  },
};

function dataStreamJson(ds: FakeDataStream): Record<string, unknown> {
  return {
    name: ds.name,
    timestamp_field: { name: '@timestamp' },
    indices: ds.indices.map((index_name) => ({
      index_name,
      index_uuid: `uuid-${index_name}`,
      prefer_ilm: true,
      managed_by: ds.ilmPolicy ? 'Index Lifecycle Management' : 'Data stream lifecycle',
    })),
    generation: ds.indices.length,
    status: 'GREEN',
    template: ds.template,
    ...(ds.ilmPolicy ? { ilm_policy: ds.ilmPolicy } : {}),
    ...(ds.lifecycle ? { lifecycle: ds.lifecycle } : {}),
    hidden: false,
    system: false,
  };
}

const dataStreamRoutes: Record<string, FakeHandler> = {
  'GET /_data_stream/:name': (_req, p, s) => {
    const pattern = wildcard(p.name!);
    return ok({
      data_streams: [...s.dataStreams.values()]
        .filter((d) => pattern.test(d.name))
        .map(dataStreamJson),
    });
  },
  'GET /_data_stream/:name/_stats': (_req, p, s) => {
    const list = [...s.dataStreams.values()].filter((d) => wildcard(p.name!).test(d.name));
    return ok({
      _shards: { total: list.length, successful: list.length, failed: 0 },
      data_stream_count: list.length,
      backing_indices: list.reduce((n, d) => n + d.indices.length, 0),
      total_store_size_bytes: list.reduce((n, d) => n + d.storeBytes, 0),
      data_streams: list.map((d) => ({
        data_stream: d.name,
        backing_indices: d.indices.length,
        store_size_bytes: d.storeBytes,
        maximum_timestamp: 1,
      })),
    });
  },
  'PUT /_data_stream/:name/_lifecycle': (req, p, s) => {
    const list = [...s.dataStreams.values()].filter((d) => wildcard(p.name!).test(d.name));
    if (list.length === 0)
      return esError(404, 'index_not_found_exception', `no such index [${p.name}]`);
    for (const d of list) d.lifecycle = { enabled: true, ...(req.json as object) };
    return ok();
  },
};

function searchHits(req: RecordedRequest, s: EsState): FakeAnswer {
  const body = (req.json ?? {}) as { size?: number; sort?: Record<string, string>[] };
  const filters = JSON.stringify(body);
  const since = /"gt[e]?":"(\d{4}-[^"]+)"/.exec(filters)?.[1];
  const desc = body.sort?.[0]?.['@timestamp'] === 'desc';
  let docs = s.documents.filter((d) => !since || String(d._source['@timestamp']) >= since);
  docs = docs.sort(
    (a, b) =>
      String(a._source['@timestamp']).localeCompare(String(b._source['@timestamp'])) *
      (desc ? -1 : 1),
  );
  const hits = docs
    .slice(0, body.size ?? 10)
    .map((d) => ({ ...d, _score: null, sort: [Date.parse(String(d._source['@timestamp']))] }));
  return ok({
    took: 1,
    timed_out: false,
    _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    hits: { total: { value: docs.length, relation: 'eq' }, max_score: null, hits },
  });
}

/** PUT and POST both create a key; ids and secrets are deterministic so tests can check what was printed. */
const createApiKey: FakeHandler = (req, _p, s) => {
  const body = req.json as { name: string };
  const id = `key-${s.apiKeys.length + 1}`;
  const apiKey = `secret-${s.apiKeys.length + 1}`;
  s.apiKeys.push({ id, name: body.name, body: req.json as Record<string, unknown> });
  return ok({
    id,
    name: body.name,
    api_key: apiKey,
    encoded: Buffer.from(`${id}:${apiKey}`).toString('base64'),
  });
};

const otherRoutes: Record<string, FakeHandler> = {
  'POST /:index/_search': (req, _p, s) => searchHits(req, s),
  'GET /:index/_search': (req, _p, s) => searchHits(req, s),
  'PUT /_security/role/:name': (req, p, s) => {
    const created = !s.roles.has(p.name!);
    s.roles.set(p.name!, req.json);
    return ok({ role: { created } });
  },
  'PUT /_security/api_key': (req, p, s) => createApiKey(req, p, s),
  'POST /_security/api_key': (req, p, s) => createApiKey(req, p, s),
  'POST /_bulk': (req, _p, s) => bulk(req, s),
  'PUT /_bulk': (req, _p, s) => bulk(req, s),
};

/** Counts `create` lines without parsing documents, so the fake keeps up in benchmarks. */
function bulk(req: RecordedRequest, s: EsState): FakeAnswer {
  let count = 0;
  let from = 0;
  const text = req.body;
  while (from < text.length) {
    const end = text.indexOf('\n', from);
    if (text.startsWith('{"create"', from)) count++;
    from = end === -1 ? text.length : end + 1;
  }
  s.bulkDocuments += count;
  const item =
    '{"create":{"_index":".ds-logs","_id":"x","_version":1,"result":"created","status":201}}';
  return {
    status: 200,
    rawJson: `{"took":1,"errors":false,"items":[${new Array<string>(count).fill(item).join(',')}]}`,
  };
}

export function esRoutes(
  version: string,
): { method: string; pattern: string; handler: FakeHandler }[] {
  const table: Record<string, FakeHandler> = {
    'GET /': info(version),
    ...ilmRoutes,
    ...templateRoutes,
    ...slmRoutes,
    ...snapshotRoutes,
    ...dataStreamRoutes,
    ...otherRoutes,
  };
  return Object.entries(table).map(([key, handler]) => {
    const [method, pattern] = key.split(' ') as [string, string];
    return { method, pattern, handler };
  });
}
