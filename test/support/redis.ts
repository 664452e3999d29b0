/**
 * Suites that need the Redis at 127.0.0.1:6379. `npm test` is documented to need only
 * the embedded database, so outside CI a missing Redis skips the suite with the reason
 * printed; under CI=true it fails, since .ci/run starts Redis.
 */
import { Redis } from 'ioredis';

export const sharedRedisUrl = 'redis://127.0.0.1:6379';

async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Call inside `describe`: registers a first `before` that skips or fails without Redis. */
export function needsRedis(url = sharedRedisUrl): void {
  before(async function () {
    if (await redisAnswers(url)) return;
    const reason = `Redis does not answer at ${url}`;
    if (process.env.CI === 'true') throw new Error(`${reason} (.ci/run starts it)`);
    console.warn(`      skipped: ${reason}; start redis-server to run this suite`);
    this.skip();
  });
}
