/**
 * Lists that come in pages: `--limit` checked once for every list command,
 * `--all` follows `meta.nextCursor`, `--cursor` starts where a previous page
 * ended, and a list cut short says so on stderr with how to get the rest.
 */
import { AppError } from '../api/contract/errors.ts';
import type { Io } from './io.ts';

export interface Page<Row> {
  data: Row[];
  meta: { nextCursor: string | null };
}

export interface PageOptions {
  /** Follow every page. */
  all?: boolean;
  /** Start after this cursor (from an earlier, cut-short list). */
  cursor?: string;
}

/** The rows of one page (or of every page with `all`) and the cursor of what is left, if anything. */
export async function collect<Row>(
  fetchPage: (cursor: string | undefined) => Promise<Page<Row>>,
  options: PageOptions,
): Promise<{ rows: Row[]; nextCursor: string | null }> {
  const rows: Row[] = [];
  let cursor = options.cursor;
  let nextCursor: string | null;
  do {
    const page = await fetchPage(cursor);
    rows.push(...page.data);
    nextCursor = page.meta.nextCursor;
    cursor = nextCursor ?? undefined;
  } while (options.all && cursor);
  return { rows, nextCursor };
}

/** After printing a list: says on stderr when it was cut short, and how to get the rest. */
export function tellWhatIsLeft(io: Io, list: { rows: unknown[]; nextCursor: string | null }): void {
  if (list.nextCursor)
    io.info(
      `showing ${list.rows.length}; more are left: --all for every page, or --cursor ${list.nextCursor} for the next`,
    );
}

/** A whole number from 1 to `max` for `flag` (`--limit`, `--radius`), the fallback when absent; a usage error otherwise. */
export function pageSize(
  text: string | undefined,
  options: { fallback: number; max?: number; flag?: string },
): number {
  const { fallback, max = 100, flag = '--limit' } = options;
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 1 || n > max)
    throw new AppError(
      'VALIDATION',
      `${flag} must be a whole number from 1 to ${max} (got "${text}")`,
    );
  return n;
}
