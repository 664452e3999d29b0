/**
 * Worker thread that owns the embedded PGlite database. PGlite runs on the
 * thread that calls it and blocks that thread's event loop, so the API talks to
 * it through messages (see pglite-proxy.ts) and never runs a query itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { PgliteModules } from './pglite-proxy.ts';

interface QueryRequest {
  id: number;
  kind: 'query' | 'close';
  sql?: string;
  params?: unknown[];
  options?: Record<string, unknown>;
}

const errorFields = [
  'code',
  'detail',
  'hint',
  'constraint',
  'table',
  'column',
  'schema',
  'severity',
  'position',
] as const;

function serializeError(err: unknown): Record<string, unknown> {
  const e = (err ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = { message: String(e.message ?? err) };
  for (const field of errorFields) if (e[field] !== undefined) out[field] = e[field];
  return out;
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('pglite-worker must run as a worker thread');
  const { dataDir, ...modules } = workerData as { dataDir: string } & PgliteModules;
  const db = new PGlite(dataDir, modules);
  try {
    await db.waitReady;
  } catch (err) {
    port.postMessage({ id: 0, error: serializeError(err) });
    return;
  }
  port.postMessage({ id: 0, ready: true });
  port.on('message', (req: QueryRequest) => {
    if (req.kind === 'close') {
      db.close().then(
        () => port.postMessage({ id: req.id, result: null }),
        (err: unknown) => port.postMessage({ id: req.id, error: serializeError(err) }),
      );
      return;
    }
    db.query(req.sql ?? '', req.params, req.options).then(
      (res) =>
        port.postMessage({
          id: req.id,
          result: { rows: res.rows, fields: res.fields, affectedRows: res.affectedRows ?? 0 },
        }),
      (err: unknown) => port.postMessage({ id: req.id, error: serializeError(err) }),
    );
  });
}

void main();
