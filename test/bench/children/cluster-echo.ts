/**
 * Bench child: the floor under the relay. It answers every message on the
 * Redis channel `<prefix>ping` by publishing it back on `<prefix>pong`, with
 * the same client settings as the API's bus; a ping-pong from the runner is
 * the two pub/sub hops a relayed input and its frame take, with nothing of the
 * API around them.
 * Env: ECHO_REDIS_URL, ECHO_PREFIX. IPC: only stop.
 */
import { Redis } from 'ioredis';
import { announceReady, onStop } from './protocol.ts';

const url = process.env.ECHO_REDIS_URL!;
const prefix = process.env.ECHO_PREFIX!;
const subscriber = new Redis(url, { enableOfflineQueue: false, lazyConnect: true });
const publisher = new Redis(url, { enableOfflineQueue: false, lazyConnect: true });
await Promise.all([subscriber.connect(), publisher.connect()]);
subscriber.on('message', (_channel: string, data: string) => {
  void publisher.publish(`${prefix}pong`, data);
});
await subscriber.subscribe(`${prefix}ping`);
onStop(async () => {
  subscriber.disconnect();
  publisher.disconnect();
});
announceReady('');
