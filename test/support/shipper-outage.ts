/**
 * The shipper outage scenario, run in its own process by
 * test/integration/log-shipper.test.ts so the event-loop measurement sees only
 * the shipper (and its in-process fake Elasticsearch), not garbage left by other
 * tests: 503s, a node slower than the request timeout, a node that hangs up,
 * then recovery. Prints one JSON object with what the test asserts.
 */
import { Writable } from 'node:stream';
import { createLogger, streamLoggers } from '../../api/core/logger.ts';
import { createLogShipper } from '../../api/core/log-shipper.ts';
import { FakeElasticsearch, esError, type FakeHandler } from './fake-elasticsearch.ts';
import { watchLoopBlocking, type LoopBlocking } from './loop-block.ts';
import { until } from './poll.ts';

export interface OutageResult {
  bufferSize: number;
  maxQueued: number;
  errorsDuringOutage: number;
  droppedMetric: number;
  droppedStats: number;
  deliveredAfter: number;
  oldestOutageLineDelivered: boolean;
  loop: LoopBlocking;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runOutageScenario(): Promise<OutageResult> {
  const fake = await new FakeElasticsearch().start();
  const counts = { shipped: 0, dropped: 0, errors: 0 };
  const bufferSize = 2000;
  const shipper = await createLogShipper({
    url: fake.url,
    apiKey: Buffer.from('shipper:secret').toString('base64'),
    namespace: 'default',
    bufferSize,
    output: new Writable({ decodeStrings: false, write: (_c, _e, done) => done() }),
    metrics: {
      shipped: (n) => void (counts.shipped += n),
      dropped: (n) => void (counts.dropped += n),
      error: () => void counts.errors++,
      queue: () => undefined,
    },
    batchSize: 250,
    flushIntervalMs: 10,
    requestTimeoutMs: 200,
    backoff: { initialMs: 20, maxMs: 100 },
  });
  const logger = streamLoggers(
    createLogger({
      level: 'info',
      service: { name: 'api', version: '1.0.0', environment: 'test' },
      destination: shipper.destination,
    }),
  ).app;
  let maxQueued = 0;
  const produce = async (count: number, tag: string) => {
    for (let i = 0; i < count; i += 20) {
      for (let j = i; j < Math.min(count, i + 20); j++)
        logger.info({ seq: j, tag }, `line ${tag} ${j}`);
      maxQueued = Math.max(maxQueued, shipper.stats().queued);
      await new Promise((r) => setImmediate(r));
    }
  };
  // Warm up first: the client loads some modules lazily on its first request (a one-off, not the steady state).
  logger.info('warm-up');
  await until('the warm-up line', () => counts.shipped === 1, 5000, 10);
  const watch = watchLoopBlocking();
  const outages: [string, FakeHandler][] = [
    ['503', () => esError(503, 'unavailable_shards_exception', 'primary shard is not active')],
    [
      'slow',
      () => ({ status: 200, rawJson: '{"took":1,"errors":false,"items":[]}', delayMs: 1000 }),
    ],
    ['hang-up', () => ({ status: 200, hangUp: true })],
  ];
  for (const [tag, handler] of outages) {
    const remove = fake.override('POST', '/_bulk', handler);
    await produce(4000, tag);
    await sleep(250);
    remove();
  }
  const errorsDuringOutage = counts.errors;
  const healthyFrom = fake.requests.length;
  await produce(500, 'after');
  // Look at new requests only: rescanning every body on each poll would itself block the loop.
  let scanned = healthyFrom;
  await until(
    'delivery after the outage',
    () =>
      fake.requests
        .slice(scanned, (scanned = fake.requests.length))
        .some((r) => r.body.includes('"line after 499"')),
    10_000,
    10,
  );
  const loop = watch.stop();
  const lines = fake.requests
    .slice(healthyFrom)
    .filter((r) => r.path === '/_bulk')
    .flatMap((r) => r.body.trim().split('\n'));
  const result: OutageResult = {
    bufferSize,
    maxQueued,
    errorsDuringOutage,
    droppedMetric: counts.dropped,
    droppedStats: shipper.stats().dropped,
    deliveredAfter: lines.filter((l) => l.includes('"tag":"after"')).length,
    oldestOutageLineDelivered: lines.some((l) => l.includes('"line 503 0"')),
    loop,
  };
  await shipper.close(500);
  await fake.stop();
  return result;
}

if (import.meta.main) {
  process.stdout.write(`${JSON.stringify(await runOutageScenario())}\n`);
}
