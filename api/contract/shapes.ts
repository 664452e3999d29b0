/**
 * Building blocks the area tables share, written so the generated documents
 * stay readable by every tool: pairs (one value per side) and timestamps.
 */
import { z } from 'zod';

/**
 * Exactly two values of one schema, one per side (players, score, paddles).
 * The documents write it as one item schema with minItems = maxItems = 2, the
 * form 3.0-era tools understand (see `json-schema.ts`); TypeScript sees a pair.
 */
export function pair<T extends z.ZodType>(item: T): z.ZodTuple<[T, T], null> {
  return z.tuple([item, item]);
}

/** An ISO 8601 date-time with its offset (`Z` as the API writes them): `format: date-time`. */
export const timestampSchema = z.iso.datetime({ offset: true });
