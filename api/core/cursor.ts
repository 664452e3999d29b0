/**
 * Opaque list cursors: the sort key of the last row, as base64url JSON. A
 * cursor that does not decode to the expected shape is a VALIDATION error.
 */
import { AppError } from './errors.ts';

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(
  cursor: string | undefined,
  arity: number,
): (string | number)[] | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(parsed) &&
      parsed.length === arity &&
      parsed.every((v) => typeof v === 'string' || typeof v === 'number')
    ) {
      return parsed as (string | number)[];
    }
  } catch {
    // fall through to the validation error
  }
  throw new AppError('VALIDATION', 'The cursor is not valid', [
    { path: 'query.cursor', message: 'not a cursor from this list', code: 'invalid_cursor' },
  ]);
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
