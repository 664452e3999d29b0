/**
 * Reads the live counterparts of the desired retention objects and normalises
 * both sides the way Elasticsearch stores them (settings nested with string
 * values, data_stream defaults, repository settings as strings), so a diff
 * shows only what an operator changed.
 */
import type { Client } from '@elastic/elasticsearch';
import { esCall } from './connect.ts';
import type { DesiredState } from './render.ts';

export type LiveState = DesiredState;

type Obj = Record<string, unknown>;

/** `{index: {lifecycle: {name: "x"}}, "index.codec": ...}` → `{"index.lifecycle.name": "x", "index.codec": ...}`, values as strings. */
export function flattenSettings(settings: Obj | undefined, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings ?? {})) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value))
      Object.assign(out, flattenSettings(value as Obj, name));
    else
      out[name.startsWith('index.') ? name : `index.${name}`] = Array.isArray(value)
        ? value.join(',')
        : String(value);
  }
  return out;
}

export function normalizeTemplate(body: Obj): Obj {
  const template = { ...((body.template as Obj) ?? {}) };
  template.settings = flattenSettings(template.settings as Obj);
  const dataStream = { ...((body.data_stream as Obj) ?? {}) };
  if (dataStream.hidden === false) delete dataStream.hidden;
  if (dataStream.allow_custom_routing === false) delete dataStream.allow_custom_routing;
  return { ...body, composed_of: body.composed_of ?? [], data_stream: dataStream, template };
}

export function normalizeRepository(body: Obj): Obj {
  const settings = Object.fromEntries(
    Object.entries((body.settings as Obj) ?? {}).map(([k, v]) => [k, String(v)]),
  );
  return { type: body.type, settings };
}

export const normalizers: Record<string, (o: Obj) => unknown> = {
  'snapshot-repository': normalizeRepository,
  'index-template': normalizeTemplate,
  'ilm-policy': (o) => o,
  'slm-policy': (o) => o,
  'data-stream-lifecycle': (o) => ({ data_retention: o.data_retention }),
};

async function readEach(
  ids: Iterable<string>,
  read: (id: string) => Promise<Obj | undefined>,
): Promise<Map<string, Obj>> {
  const out = new Map<string, Obj>();
  for (const id of ids) {
    const found = await read(id);
    if (found) out.set(id, found);
  }
  return out;
}

/** Live lifecycle of the data streams matching a pattern: the one retention they share, if any exist. */
async function readLifecycle(client: Client, pattern: string): Promise<Obj | undefined> {
  const res = await esCall(
    `reading data streams ${pattern}`,
    () => client.indices.getDataStream({ name: pattern }),
    () => ({ data_streams: [] }),
  );
  const streams = res.data_streams as { lifecycle?: { data_retention?: string } }[];
  if (streams.length === 0) return undefined;
  const retentions = [...new Set(streams.map((s) => s.lifecycle?.data_retention ?? '(none)'))];
  return { data_retention: retentions.length === 1 ? retentions[0] : retentions.join(' | ') };
}

/** Fetches every object the desired state names; absent ones are simply missing from the maps. */
export async function readLiveState(client: Client, desired: DesiredState): Promise<LiveState> {
  const none = () => undefined;
  const repositories = await readEach(desired.repositories.keys(), async (name) => {
    const res = await esCall(
      `reading repository ${name}`,
      () => client.snapshot.getRepository({ name }),
      none,
    );
    return (res as Record<string, Obj> | undefined)?.[name];
  });
  const ilmPolicies = await readEach(desired.ilmPolicies.keys(), async (name) => {
    const res = await esCall(
      `reading ILM policy ${name}`,
      () => client.ilm.getLifecycle({ name }),
      none,
    );
    const entry = (res as Record<string, { policy: Obj }> | undefined)?.[name];
    return entry ? { policy: entry.policy } : undefined;
  });
  const templates = await readEach(desired.templates.keys(), async (name) => {
    const res = await esCall(
      `reading index template ${name}`,
      () => client.indices.getIndexTemplate({ name }),
      none,
    );
    return res?.index_templates.find((t) => t.name === name)?.index_template as Obj | undefined;
  });
  const slmPolicies = await readEach(desired.slmPolicies.keys(), async (id) => {
    const res = await esCall(
      `reading SLM policy ${id}`,
      () => client.slm.getLifecycle({ policy_id: id }),
      none,
    );
    return (res as Record<string, { policy: Obj }> | undefined)?.[id]?.policy;
  });
  const lifecycles = await readEach(desired.lifecycles.keys(), (pattern) =>
    readLifecycle(client, pattern),
  );
  return { repositories, ilmPolicies, templates, slmPolicies, lifecycles };
}
