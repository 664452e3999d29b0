/**
 * NDJSON for saved objects: one canonical JSON object per line, ordered so
 * referenced objects come first (data view, searches, visualizations,
 * dashboards). The committed file is this rendering, byte for byte.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../../api/contract/errors.ts';
import { canonicalize } from '../lib/canonical.ts';
import type { SavedObject } from './builders.ts';

export const committedNdjsonPath = new URL('./saved-objects.ndjson', import.meta.url).pathname;

const typeOrder = ['index-pattern', 'search', 'visualization', 'dashboard'];

export function sortObjects(objects: readonly SavedObject[]): SavedObject[] {
  return [...objects].sort(
    (a, b) => typeOrder.indexOf(a.type) - typeOrder.indexOf(b.type) || a.id.localeCompare(b.id),
  );
}

export function renderNdjson(objects: readonly SavedObject[]): string {
  return (
    sortObjects(objects)
      .map((o) => JSON.stringify(canonicalize(o)))
      .join('\n') + '\n'
  );
}

const savedObjectSchema = z.strictObject({
  type: z.enum(['index-pattern', 'search', 'visualization', 'dashboard']),
  id: z.string().regex(/^[a-z0-9-]+$/, 'ids are stable lowercase slugs'),
  attributes: z.record(z.string(), z.unknown()),
  references: z.array(z.strictObject({ name: z.string(), type: z.string(), id: z.string() })),
});

export function parseNdjson(text: string, file = 'saved-objects.ndjson'): SavedObject[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new AppError('VALIDATION', `${file}:${i + 1} is not JSON`);
      }
      const parsed = savedObjectSchema.safeParse(json);
      if (!parsed.success)
        throw new AppError(
          'VALIDATION',
          `${file}:${i + 1} is not a saved object`,
          parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`),
        );
      return parsed.data as SavedObject;
    });
}

export function readCommittedNdjson(file = committedNdjsonPath): SavedObject[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new AppError('NOT_FOUND', `cannot read ${file}; run pongctl kibana render`);
  }
  return parseNdjson(text, file);
}
