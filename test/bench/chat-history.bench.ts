/**
 * Chat history: `GET /conversations/{id}/messages?before=…` at
 * depth 1,000,000 vs at depth 0, on a direct conversation holding a million
 * messages, through the real API in a child process. The page at depth 0
 * starts below the newest message; the deep one 50 messages above the oldest,
 * so both answer 50 rows. Target: deep costs at most 1.5× shallow.
 *
 * The messages are bulk-loaded with generate_series. PostgreSQL runs when
 * BENCH_DATABASE_URL is set (the rows are deleted afterwards); the embedded
 * database always runs, measured at the query level (see pgliteRun).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { createDb, type Db } from '../../api/core/db.ts';
import { historyPage } from '../../api/domain/chat/repo.ts';
import type { Benchmark, BenchContext, BenchResult } from './harness.ts';
import { runLoad, type LoadResult } from './load.ts';
import { startChild, type ChildServer } from './server-child.ts';
import { alternate, median } from './stats.ts';

const depth = 1_000_000;
const pageSize = 50;
const connections = 8;

interface Seed {
  token: string;
  senders: [string, string];
  conversationId: string;
}

async function call(
  base: string,
  method: string,
  pathname: string,
  options: { token?: string; body?: unknown } = {},
): Promise<any> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(base + pathname, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const body = (await res.json()) as { data: any };
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${JSON.stringify(body)}`);
  return body.data;
}

/** Two registered users and their direct conversation. */
async function seedUsers(base: string): Promise<Seed> {
  const tag = Date.now().toString(36);
  const users = [];
  for (const name of [`hb${tag}a`, `hb${tag}b`]) {
    users.push(
      await call(base, 'POST', '/api/v1/auth/register', {
        body: { username: name, email: `${name}@bench.test`, password: `bench-${name}-Pass!` },
      }),
    );
  }
  const [a, b] = users as [
    { accessToken: string; user: { id: string; username: string } },
    { user: { id: string; username: string } },
  ];
  const conversation = await call(base, 'POST', '/api/v1/conversations/direct', {
    token: a.accessToken,
    body: { username: b.user.username },
  });
  return {
    token: a.accessToken,
    senders: [a.user.id, b.user.id],
    conversationId: conversation.id as string,
  };
}

interface Loaded {
  oldest: number;
  newest: number;
  seconds: number;
}

/** A million messages in one statement, then ANALYZE; returns the oldest and newest ids. */
async function bulkLoad(db: Db, seed: Seed): Promise<Loaded> {
  const started = performance.now();
  const [a, b] = seed.senders;
  await db.raw(
    `insert into chat_messages (conversation_id, sender_id, body, created_at)
     select ?, case when g % 2 = 0 then ?::uuid else ?::uuid end, 'history message ' || g, now() - make_interval(secs => ? - g)
       from generate_series(1, ?) g`,
    [Number(seed.conversationId), a, b, depth, depth],
  );
  await db.raw('analyze chat_messages');
  const row = (await db('chat_messages')
    .where({ conversation_id: Number(seed.conversationId) })
    .min({ oldest: 'id' })
    .max({ newest: 'id' })
    .first()) as { oldest: number; newest: number };
  return {
    oldest: Number(row.oldest),
    newest: Number(row.newest),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Microseconds per history query (the service's own repo function), median of alternating rounds. */
async function queryTimes(
  ctx: BenchContext,
  db: Db,
  seed: Seed,
  ids: Loaded,
): Promise<{ deepUs: number; shallowUs: number }> {
  const conversationId = Number(seed.conversationId);
  const batch = async (before: number): Promise<number> => {
    const n = ctx.pick(200, 50);
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const rows = await historyPage(db, {
        conversationId,
        before,
        limit: pageSize + 1,
        hiddenSenders: [],
      });
      if (rows.length !== pageSize + 1) throw new Error(`history page of ${rows.length} rows`);
    }
    return ((performance.now() - started) * 1000) / n;
  };
  const deep = ids.oldest + pageSize + 1;
  await batch(deep);
  await batch(ids.newest);
  const runs = await alternate(
    ctx.pick(6, 2),
    () => batch(deep),
    () => batch(ids.newest),
  );
  return { deepUs: median(runs.a), shallowUs: median(runs.b) };
}

/** Shared buffers one history query touches: the same at both depths when the index walk starts at the cursor. */
async function buffersTouched(db: Db, seed: Seed, before: number): Promise<number> {
  // historyPage returns knex's builder (typed as its promise): the exact query the service runs.
  const builder = historyPage(db, {
    conversationId: Number(seed.conversationId),
    before,
    limit: pageSize + 1,
    hiddenSenders: [],
  }) as unknown as Knex.QueryBuilder;
  const sql = builder.toSQL().toNative();
  const result = (await db.raw(
    `explain (analyze, buffers, format json) ${sql.sql.replace(/\$(\d+)/g, '?')}`,
    sql.bindings as never[],
  )) as { rows: Array<Record<string, unknown>> };
  const plan = (
    Object.values(result.rows[0]!)[0] as Array<{
      Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number };
    }>
  )[0]!.Plan;
  return plan['Shared Hit Blocks'] + plan['Shared Read Blocks'];
}

/** HTTP figure: the API child under autocannon, alternating the deep and the shallow page. */
async function httpResult(
  ctx: BenchContext,
  server: ChildServer,
  seed: Seed,
  ids: Loaded,
): Promise<BenchResult> {
  const base = `${server.url}/api/v1/conversations/${seed.conversationId}/messages?limit=${pageSize}&before=`;
  const load = (before: number, durationSec: number): Promise<LoadResult> =>
    runLoad({
      url: base + before,
      connections,
      durationSec,
      headers: { authorization: `Bearer ${seed.token}` },
    });
  const deep = ids.oldest + pageSize;
  const page = await call(
    server.url,
    'GET',
    `/api/v1/conversations/${seed.conversationId}/messages?limit=${pageSize}&before=${deep}`,
    { token: seed.token },
  );
  if (page.length !== pageSize)
    throw new Error(`the deep page has ${page.length} rows, not ${pageSize}`);
  await load(ids.newest, ctx.pick(3, 1));
  await load(deep, ctx.pick(3, 1));
  const runs = await alternate(
    ctx.pick(4, 2),
    () => load(deep, ctx.pick(6, 2)),
    () => load(ids.newest, ctx.pick(6, 2)),
  );
  const us = (rs: LoadResult[]) => 1e6 / median(rs.map((r) => r.requestsPerSec));
  const p99 = (rs: LoadResult[]) => median(rs.map((r) => r.latencyP99Ms));
  ctx.log(
    `HTTP: deep ${runs.a.map((r) => Math.round(r.requestsPerSec)).join(' ')} · shallow ${runs.b.map((r) => Math.round(r.requestsPerSec)).join(' ')} req/s`,
  );
  return {
    name: 'PostgreSQL: GET history page at depth 1,000,000 vs depth 0 (HTTP)',
    value: us(runs.a),
    unit: 'µs/req',
    reference: { name: 'depth 0', value: us(runs.b) },
    target: { op: '<=', value: 1.5, of: 'ratio' },
    notes: `${pageSize} rows per page, ${connections} connections, median of alternating runs (1e6 / req/s); p99 ${p99(runs.a)} ms vs ${p99(runs.b)} ms`,
  };
}

/** Query figure in this process: µs per history query and the shared buffers it touches, at both depths. */
async function sqlResult(
  ctx: BenchContext,
  engine: string,
  db: Db,
  loaded: { seed: Seed; ids: Loaded },
): Promise<BenchResult> {
  const { seed, ids } = loaded;
  const times = await queryTimes(ctx, db, seed, ids);
  const deepBuffers = await buffersTouched(db, seed, ids.oldest + pageSize + 1);
  const shallowBuffers = await buffersTouched(db, seed, ids.newest);
  ctx.log(
    `${engine}: ${times.deepUs.toFixed(0)} vs ${times.shallowUs.toFixed(0)} µs/query; buffers touched ${deepBuffers} vs ${shallowBuffers}`,
  );
  return {
    name: `${engine}: history query at depth 1,000,000 vs depth 0`,
    value: times.deepUs,
    unit: 'µs/query',
    reference: { name: 'depth 0', value: times.shallowUs },
    target: { op: '<=', value: 1.5, of: 'ratio' },
    notes: `the service's historyPage() through knex, ${pageSize + 1} rows, median of alternating batches; buffers touched ${deepBuffers} vs ${shallowBuffers}; bulk load ${ids.seconds.toFixed(0)} s`,
  };
}

function apiChild(dataDir: string, databaseUrl: string | undefined): Promise<ChildServer> {
  return startChild({
    script: path.join(import.meta.dirname, 'children', 'api-server.ts'),
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      PONG_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl ?? '',
      NODE_ENV: 'production',
      ACCESS_LOG: 'false',
    },
    readyTimeoutMs: 180_000,
  });
}

async function postgresRun(ctx: BenchContext, databaseUrl: string): Promise<BenchResult[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-bench-history-'));
  const server = await apiChild(dataDir, databaseUrl);
  const db = createDb({ databaseUrl, dataDir });
  let seed: Seed | undefined;
  try {
    seed = await seedUsers(server.url);
    ctx.log(`PostgreSQL: loading ${depth.toLocaleString('en-US')} messages`);
    const ids = await bulkLoad(db, seed);
    ctx.log(`PostgreSQL: loaded in ${ids.seconds.toFixed(1)} s`);
    return [
      await httpResult(ctx, server, seed, ids),
      await sqlResult(ctx, 'PostgreSQL', db, { seed, ids }),
    ];
  } finally {
    await server.stop();
    // The messages and members cascade.
    if (seed)
      await db('chat_conversations')
        .where({ id: Number(seed.conversationId) })
        .delete();
    await db.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The embedded database can be opened by one process at a time: the API child
 * registers the users and stops, then this process loads and queries the data
 * directory. (Reopening a million-row PGlite directory in a new API child
 * exceeded knex's 60 s connection timeout on this shared 2-core machine, so
 * the PGlite figure is query-level only.)
 */
async function pgliteRun(ctx: BenchContext): Promise<BenchResult[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-bench-history-'));
  try {
    const server = await apiChild(dataDir, undefined);
    const seed = await seedUsers(server.url).finally(() => server.stop());
    const db = createDb({ databaseUrl: undefined, dataDir });
    try {
      ctx.log(`PGlite: loading ${depth.toLocaleString('en-US')} messages`);
      const ids = await bulkLoad(db, seed);
      ctx.log(`PGlite: loaded in ${ids.seconds.toFixed(1)} s`);
      return [await sqlResult(ctx, 'PGlite', db, { seed, ids })];
    } finally {
      await db.destroy();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function history(ctx: BenchContext): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  if (ctx.databaseUrl) results.push(...(await postgresRun(ctx, ctx.databaseUrl)));
  else ctx.log('BENCH_DATABASE_URL is unset: PostgreSQL skipped');
  results.push(...(await pgliteRun(ctx)));
  return results;
}

export const benchmarks: Benchmark[] = [{ name: 'chat-history', issue: '#4', run: history }];
