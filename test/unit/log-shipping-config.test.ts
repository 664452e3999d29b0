/**
 * Shipping configuration and the shipper's bounded queue: LOG_ELASTICSEARCH_URL
 * and _API_KEY come as a pair, the namespace is validated, and the queue drops
 * the oldest lines by count and by bytes, keeping failed batches in front.
 */
import assert from 'node:assert/strict';
import { AppError } from '../../api/contract/errors.ts';
import { loadConfig } from '../../api/core/config.ts';
import { BoundedLineQueue } from '../../api/core/log-queue.ts';

function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof AppError && err.code === 'CONFIG');
    return (err.details as { variable: string; message: string }[]).map(
      (d) => `${d.variable}: ${d.message}`,
    );
  }
  assert.fail('expected a configuration error');
}

describe('log shipping configuration and queue', () => {
  it('ships only when both URL and API key are set, with a default namespace and buffer', () => {
    assert.equal(loadConfig({}).logShipping, undefined);
    assert.deepEqual(
      loadConfig({
        LOG_ELASTICSEARCH_URL: 'https://es.example:9200',
        LOG_ELASTICSEARCH_API_KEY: 'aWQ6a2V5LXNlY3JldA==',
      }).logShipping,
      {
        url: 'https://es.example:9200',
        apiKey: 'aWQ6a2V5LXNlY3JldA==',
        namespace: 'default',
        bufferSize: 10_000,
      },
    );
  });

  it('rejects half a pair, a bad URL and a bad namespace', () => {
    assert.deepEqual(configProblems({ LOG_ELASTICSEARCH_URL: 'http://es:9200' }), [
      'LOG_ELASTICSEARCH_API_KEY: must be set together with the other LOG_ELASTICSEARCH_* variable',
    ]);
    const problems = configProblems({
      LOG_ELASTICSEARCH_URL: 'es:9200',
      LOG_ELASTICSEARCH_API_KEY: 'aWQ6a2V5',
      LOG_ELASTICSEARCH_NAMESPACE: 'Prod-EU',
    });
    assert.ok(
      problems.some((p) => p.startsWith('LOG_ELASTICSEARCH_URL:')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith('LOG_ELASTICSEARCH_NAMESPACE:')),
      problems.join('\n'),
    );
  });

  it('drops the oldest lines beyond the count and the byte cap, and puts a failed batch back in front', () => {
    const q = new BoundedLineQueue({ maxEntries: 3, maxBytes: 1_000 });
    assert.equal(q.push('a'), 0);
    q.push('b');
    q.push('c');
    assert.equal(q.push('d'), 1, 'the fourth line pushes out the first');
    assert.deepEqual(q.take(2), ['b', 'c']);
    assert.equal(q.unshift(['b', 'c']), 0);
    assert.equal(q.unshift(['x']), 1, 'over the cap again: the oldest (x) goes');
    assert.deepEqual(q.take(10), ['b', 'c', 'd']);
    const bytes = new BoundedLineQueue({ maxEntries: 100, maxBytes: 20 });
    bytes.push('12345');
    bytes.push('67890');
    assert.equal(
      bytes.push('abcde'),
      1,
      'three 5-char lines are 30 bytes (UTF-16): the oldest goes',
    );
    assert.equal(bytes.bytes, 20);
    assert.equal(bytes.length, 2);
  });

  it('stays O(1) amortised over a long run of pushes and takes', () => {
    const q = new BoundedLineQueue({ maxEntries: 5_000, maxBytes: 10_000_000 });
    let dropped = 0;
    for (let i = 0; i < 200_000; i++) {
      dropped += q.push(`line ${i}`);
      if (i % 7 === 0) q.take(3);
    }
    assert.ok(q.length > 4_990 && q.length <= 5_000, String(q.length));
    assert.ok(dropped > 0);
    assert.equal(
      q.take(1)[0],
      `line ${200_000 - q.length - 1}`,
      'what is left is the newest lines, in order',
    );
  });
});
