/**
 * The bus: publish/subscribe of JSON events by topic, so that an event raised
 * on one API instance reaches listeners on every instance. In-process by
 * default; Redis pub/sub (bus-redis.ts) when REDIS_URL is set.
 */
import type { Logger } from '../core/logger.ts';

export type BusListener = (event: unknown) => void;
export type Unsubscribe = () => Promise<void>;

export interface Bus {
  readonly kind: 'memory' | 'redis';
  /** Sends a JSON-serialisable event to every subscriber of `topic` on every instance. */
  publish(topic: string, event: unknown): Promise<void>;
  /** Resolves once the subscription is active, so nothing published afterwards is missed. */
  subscribe(topic: string, listener: BusListener): Promise<Unsubscribe>;
  close(): Promise<void>;
}

/** Calls each listener with its own copy; one failing listener does not starve the others. */
export function dispatchToListeners(
  listeners: Iterable<BusListener>,
  data: string,
  logger: Logger,
  topic: string,
): void {
  for (const listener of listeners) {
    try {
      listener(JSON.parse(data));
    } catch (err) {
      logger.error({ err, 'bus.topic': topic }, 'bus listener failed');
    }
  }
}

/**
 * Single-process bus. Events are serialised exactly as on Redis, so code that
 * works here (no Dates, no shared objects, no functions in events) also works
 * across instances. Delivery is asynchronous, as on Redis.
 */
export function createMemoryBus(logger: Logger): Bus {
  const topics = new Map<string, Set<BusListener>>();
  let closed = false;
  return {
    kind: 'memory',
    async publish(topic, event) {
      if (closed) return;
      const data = JSON.stringify(event);
      const listeners = topics.get(topic);
      if (!listeners || listeners.size === 0) return;
      const snapshot = [...listeners];
      setImmediate(() => dispatchToListeners(snapshot, data, logger, topic));
    },
    async subscribe(topic, listener) {
      let listeners = topics.get(topic);
      if (!listeners) topics.set(topic, (listeners = new Set()));
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
        if (listeners.size === 0) topics.delete(topic);
      };
    },
    async close() {
      closed = true;
      topics.clear();
    },
  };
}
