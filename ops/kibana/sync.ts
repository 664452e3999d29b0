/**
 * `kibana diff|apply`: compares the desired saved objects with an export of
 * the live ones (projected onto the attributes pongctl sets, with the embedded
 * JSON strings parsed, so Kibana's migrations and defaults do not show as
 * drift), and imports what differs with overwrite. Kibana answers 200 even when
 * objects fail, so every per-object result is read and any failure is an error.
 */
import { z } from 'zod';
import { AppError } from '../../api/contract/errors.ts';
import { applyChanges, hasDifferences, planChanges, type Change } from '../lib/plan.ts';
import type { SavedObject } from './builders.ts';
import { kibanaError, safeJson, type KibanaClient } from './client.ts';
import { renderNdjson } from './ndjson.ts';

const statusSchema = z.object({ version: z.object({ number: z.string() }) });

/** Kibana's version; refuses majors older than 8 (saved objects never import into an older Kibana). */
export async function kibanaVersion(client: KibanaClient): Promise<string> {
  const status = await client.json('reading Kibana status', 'GET', '/api/status', statusSchema);
  const major = Number(status.version.number.split('.')[0]);
  if (!(major >= 8))
    throw new AppError(
      'CONFIG',
      `Kibana ${status.version.number} is too old: pongctl's saved objects need Kibana 8 or newer`,
    );
  return status.version.number;
}

const key = (o: { type: string; id: string }) => `${o.type}:${o.id}`;
const jsonAttributes = new Set([
  'visState',
  'panelsJSON',
  'optionsJSON',
  'uiStateJSON',
  'searchSourceJSON',
]);

/** Keeps only what `shape` has, recursively; JSON-in-a-string attributes are compared parsed. */
export function project(live: unknown, shape: unknown, name = ''): unknown {
  if (jsonAttributes.has(name) && typeof shape === 'string')
    return project(typeof live === 'string' ? safeJson(live) : live, safeJson(shape));
  if (Array.isArray(shape))
    return Array.isArray(live) ? shape.map((s, i) => project(live[i], s)) : live;
  if (shape && typeof shape === 'object') {
    if (!live || typeof live !== 'object') return live;
    return Object.fromEntries(
      Object.keys(shape).map((k) => [
        k,
        project((live as Record<string, unknown>)[k], (shape as Record<string, unknown>)[k], k),
      ]),
    );
  }
  return live;
}

function comparable(o: SavedObject): unknown {
  return project(o, o);
}

const fetchErrorSchema = z.object({
  attributes: z.object({ objects: z.array(z.object({ id: z.string(), type: z.string() })) }),
});

/** Exports the desired objects' live versions; objects Kibana does not have are left out. */
export async function exportLive(
  client: KibanaClient,
  desired: readonly SavedObject[],
): Promise<Map<string, SavedObject>> {
  let wanted = desired.map(({ type, id }) => ({ type, id }));
  for (let attempt = 0; attempt < 2 && wanted.length > 0; attempt++) {
    const reply = await client.request('POST', '/api/saved_objects/_export', {
      json: { objects: wanted, includeReferencesDeep: false, excludeExportDetails: true },
    });
    if (reply.status === 200) {
      const out = new Map<string, SavedObject>();
      for (const line of reply.text.split('\n').filter((l) => l.trim())) {
        const o = safeJson(line) as SavedObject;
        if (o && typeof o === 'object' && 'id' in o) out.set(key(o), o);
      }
      return out;
    }
    // 400 "Error fetching objects to export" lists the objects Kibana does not have: export the rest.
    const missing = fetchErrorSchema.safeParse(safeJson(reply.text));
    if (reply.status !== 400 || !missing.success)
      throw kibanaError('exporting saved objects', reply);
    const gone = new Set(missing.data.attributes.objects.map(key));
    wanted = wanted.filter((o) => !gone.has(key(o)));
  }
  return new Map();
}

export function planKibana(
  desired: readonly SavedObject[],
  live: Map<string, SavedObject>,
): Change<SavedObject>[] {
  const want = new Map(desired.map((o) => [key(o), o]));
  // Live objects carry migration versions, timestamps and defaults pongctl does not set: compare only what it sets.
  const have = new Map([...live].map(([k, o]) => [k, project(o, want.get(k) ?? o) as SavedObject]));
  return planChanges('saved-object', want, have, { normalize: comparable });
}

const importSchema = z.object({
  success: z.boolean(),
  successCount: z.number(),
  errors: z
    .array(
      z.object({
        id: z.string(),
        type: z.string(),
        title: z.string().optional(),
        error: z.object({ type: z.string() }).passthrough(),
      }),
    )
    .optional(),
});

/** Imports objects with overwrite; throws listing each object Kibana refused. */
export async function importObjects(
  client: KibanaClient,
  objects: readonly SavedObject[],
): Promise<number> {
  const result = await client.json(
    'importing saved objects',
    'POST',
    '/api/saved_objects/_import?overwrite=true',
    importSchema,
    {
      multipart: { field: 'file', filename: 'pongctl.ndjson', content: renderNdjson(objects) },
    },
  );
  const errors = result.errors ?? [];
  if (!result.success || errors.length > 0) {
    const details = errors.map((e) => {
      const refs = (e.error as { references?: { type: string; id: string }[] }).references;
      return `${e.type} ${e.id}: ${e.error.type}${refs?.length ? ` (${refs.map((r) => `${r.type} ${r.id}`).join(', ')})` : ''}`;
    });
    const allConflicts =
      errors.length > 0 && errors.every((e) => e.error.type.includes('conflict'));
    throw new AppError(
      allConflicts ? 'CONFLICT' : 'VALIDATION',
      `Kibana imported ${result.successCount} of ${objects.length} objects; ${errors.length} failed`,
      details,
    );
  }
  return result.successCount;
}

export async function diffKibana(
  client: KibanaClient,
  desired: readonly SavedObject[],
): Promise<Change<SavedObject>[]> {
  return planKibana(desired, await exportLive(client, desired));
}

/** Imports only what differs, then checks that an export now matches. */
export async function applyKibana(
  client: KibanaClient,
  desired: readonly SavedObject[],
): Promise<{ changes: Change<SavedObject>[]; imported: number }> {
  const changes = await diffKibana(client, desired);
  const pending: SavedObject[] = [];
  await applyChanges(changes, {
    create: async (c) => void pending.push(c.desired!),
    update: async (c) => void pending.push(c.desired!),
  });
  if (pending.length === 0) return { changes, imported: 0 };
  const imported = await importObjects(client, pending);
  const after = await diffKibana(client, desired);
  if (hasDifferences(after)) {
    throw new AppError(
      'CONFLICT',
      'imported, but Kibana does not match afterwards',
      after.filter((c) => c.action !== 'unchanged').map((c) => `${c.id}: ${c.action}`),
    );
  }
  return { changes, imported };
}
