/**
 * Database metrics: pool gauges read at scrape time, and a query-duration
 * histogram labelled by repo operation. Repos name an operation with knex's
 * queryContext: `db('users').queryContext({ op: 'accounts.findByUsername' })`.
 *
 * Why queryContext and not `.comment()`: the context is an object reference
 * knex carries to its `query`/`query-response` events for free, while a
 * comment is text added to every statement, sent over the wire and parsed back
 * out of the SQL with a regex per query. Queries without a context (migrations,
 * BEGIN/COMMIT of transactions, raw admin SQL) are counted as `unlabelled`.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Knex } from 'knex';
import { metrics as spec, type MetricSpec } from '../contract/metrics.ts';
import { RequestHistogram } from './fast-histogram.ts';

/** Operation names are code literals like `area.verbNoun`; anything else could be data, so it is not a label. */
const operationPattern = /^[a-z][a-z0-9_]*\.[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const unlabelledOperation = 'unlabelled';

interface QueryEvent {
  __knexQueryUid?: string;
  queryContext?: unknown;
}

interface TarnPool {
  max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/** The label for one query: its queryContext's `op` when it is a well-formed name. */
export function operationOf(queryContext: unknown): string {
  const op = (queryContext as { op?: unknown } | undefined)?.op;
  return typeof op === 'string' && operationPattern.test(op) ? op : unlabelledOperation;
}

function poolOf(db: Knex): TarnPool | undefined {
  return (db.client as { pool?: TarnPool }).pool ?? undefined;
}

function registerPoolGauges(registry: Registry, db: Knex): void {
  const gauges: [MetricSpec, (pool: TarnPool) => number][] = [
    [spec.dbPoolMax, (p) => p.max],
    [spec.dbPoolUsed, (p) => p.numUsed()],
    [spec.dbPoolIdle, (p) => p.numFree()],
    [spec.dbPoolWaiting, (p) => p.numPendingAcquires()],
  ];
  for (const [metric, read] of gauges) {
    new Gauge({
      name: metric.name,
      help: metric.help,
      registers: [registry],
      collect() {
        // The pool exists from the first query until destroy(); absent means nothing is open.
        const pool = poolOf(db);
        this.set(pool ? read(pool) : 0);
      },
    });
  }
}

/** Registers the database metrics of `db` in `registry` and starts timing its queries. */
export function instrumentDb(registry: Registry, db: Knex): void {
  registerPoolGauges(registry, db);
  const durations = new RequestHistogram(spec.dbQueryDuration.labels, spec.dbQueryDuration.buckets);
  durations.register(registry, {
    histogram: spec.dbQueryDuration.name,
    histogramHelp: spec.dbQueryDuration.help,
    counter: spec.dbQueriesTotal.name,
    counterHelp: spec.dbQueriesTotal.help,
  });
  const errors = new Counter({
    name: spec.dbQueryErrorsTotal.name,
    help: spec.dbQueryErrorsTotal.help,
    labelNames: [...spec.dbQueryErrorsTotal.labels],
    registers: [registry],
  });
  // Start times by knex's per-query uid; an entry lives only while its query runs.
  const started = new Map<string, number>();
  const finish = (event: QueryEvent, failed: boolean) => {
    const uid = event.__knexQueryUid;
    if (uid === undefined) return;
    const start = started.get(uid);
    if (start === undefined) return;
    started.delete(uid);
    const operation = operationOf(event.queryContext);
    durations.observe([operation], (performance.now() - start) / 1000);
    if (failed) errors.inc({ operation });
  };
  db.on('query', (event: QueryEvent) => {
    if (event.__knexQueryUid !== undefined) started.set(event.__knexQueryUid, performance.now());
  });
  db.on('query-response', (_response: unknown, event: QueryEvent) => finish(event, false));
  db.on('query-error', (_error: unknown, event: QueryEvent) => finish(event, true));
}
