/** Follows `meta.nextCursor` for `--all`, or returns one page. */
export interface Page<Row> {
  data: Row[];
  meta: { nextCursor: string | null };
}

export async function collect<Row>(
  fetchPage: (cursor: string | undefined) => Promise<Page<Row>>,
  all: boolean,
): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    rows.push(...page.data);
    cursor = page.meta.nextCursor ?? undefined;
  } while (all && cursor);
  return rows;
}

/** `--limit` as a page size between 1 and 100. */
export function pageSize(text: string | undefined, fallback = 20): number {
  const n = text === undefined ? fallback : Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : fallback;
}
