/**
 * Opaque list cursors: the sort key of the last row, as base64url JSON. Every
 * list decodes its cursor here with the schema of its own key, so a cursor
 * that does not decode to that shape (wrong arity or types, an invalid date,
 * a NUL) is a VALIDATION error before any query sees it.
 */
import { z } from 'zod';
import { AppError } from '../contract/errors.ts';
import { nulPath } from './nul.ts';

/** A timestamp as `Date#toISOString` writes it (the only form the lists encode), and a real date. */
const instant = z.string().refine((v) => {
  const time = Date.parse(v);
  return !Number.isNaN(time) && new Date(time).toISOString() === v;
});

/** The parts cursor keys are made of. */
export const cursorPart = {
  instant,
  uuid: z.uuid(),
  /** A bigserial id as a JSON number. */
  serial: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** A bigserial id as a decimal string (beyond 2^53). */
  serialText: z.string().regex(/^[1-9][0-9]{0,17}$/),
  /** A sort key such as a lower-cased name. */
  text: z.string().max(200),
  number: z.number().finite(),
} as const;

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function invalidCursor(): AppError {
  return new AppError('VALIDATION', 'The cursor is not valid', [
    { path: 'query.cursor', message: 'not a cursor from this list', code: 'invalid_cursor' },
  ]);
}

/** The key a cursor holds, checked against the list's key schema (a tuple of cursor parts); undefined for no cursor. */
export function decodeCursor<Key extends readonly unknown[]>(
  cursor: string | undefined,
  key: z.ZodType<Key>,
): Key | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const checked = key.safeParse(parsed);
  if (!checked.success || nulPath(checked.data) !== undefined) throw invalidCursor();
  return checked.data;
}

/** Splits a page fetched with limit + 1 rows into the page and the next cursor. */
export function pageOf<Row>(
  rows: Row[],
  limit: number,
  key: (row: Row) => (string | number)[],
): { items: Row[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}
