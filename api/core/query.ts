/**
 * What every repo query runs on, and the name it is measured under: each repo
 * names its queries `area.function` with knex's queryContext, which labels
 * db_query_duration_seconds{operation} (db-metrics.ts).
 */
import type { Knex } from 'knex';

export type Q = Knex | Knex.Transaction;

export function operations(area: string): (name: string) => { op: string } {
  return (name) => ({ op: `${area}.${name}` });
}
