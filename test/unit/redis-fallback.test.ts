import assert from 'node:assert/strict';
import { pino } from 'pino';
import { unavailable } from '../../api/core/errors.ts';
import { createRedisFallback } from '../../api/core/redis-fallback.ts';
import { LogCapture } from '../support/server.ts';

describe('Redis fallback', () => {
  function setup() {
    let now = 0;
    const capture = new LogCapture();
    const degraded: boolean[] = [];
    const fallbacks: string[] = [];
    const fallback = createRedisFallback({
      logger: pino({ messageKey: 'message' }, capture),
      metrics: {
        degraded: (on) => degraded.push(on),
        fallback: (feature) => fallbacks.push(feature),
      },
      retryMs: 1_000,
      now: () => now,
    });
    return { fallback, capture, degraded, fallbacks, at: (ms: number) => (now = ms) };
  }
  const down = async (): Promise<string> => {
    throw unavailable('Redis did not answer in time');
  };

  it('answers locally while Redis is away, tries it again once per interval, and comes back', async () => {
    const { fallback, capture, degraded, fallbacks, at } = setup();
    let remoteCalls = 0;
    const remote = async () => (remoteCalls++, 'remote');
    assert.equal(await fallback.run('throttle', remote, () => 'local'), 'remote');
    assert.equal(await fallback.run('throttle', down, () => 'local'), 'local');
    assert.equal(fallback.away(), true);
    assert.equal(
      await fallback.run('presence', remote, () => 'local'),
      'local',
      'no wait on Redis',
    );
    assert.equal(remoteCalls, 1);
    at(1_000);
    assert.equal(await fallback.run('throttle', down, () => 'local'), 'local', 'one try, failed');
    assert.equal(await fallback.run('throttle', remote, () => 'local'), 'local');
    let recovered = 0;
    fallback.onRecover(async () => void recovered++);
    at(2_000);
    assert.equal(await fallback.run('bus', remote, () => 'local'), 'remote');
    assert.equal(fallback.away(), false);
    assert.equal(recovered, 1, 'the resynchronisation ran');
    assert.deepEqual(degraded, [true, false]);
    assert.deepEqual(fallbacks, ['throttle', 'presence', 'throttle', 'throttle']);
    const actions = capture.lines().map((l) => l['event.action']);
    assert.deepEqual(actions, ['redis-degraded', 'redis-recovered'], 'one warning, one all-clear');
  });

  it('does not hide errors that are not an outage', async () => {
    const { fallback } = setup();
    await assert.rejects(
      fallback.run(
        'throttle',
        async () => {
          throw new Error('ERR wrong number of arguments');
        },
        () => 'local',
      ),
      /wrong number/,
    );
    assert.equal(fallback.away(), false);
  });
});
