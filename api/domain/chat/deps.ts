/**
 * What the chat services need, built once by the composition root: the
 * database, the clock, the shared counter store (per-user send rate across
 * instances when Redis is configured), the typing throttle, and the delivery
 * port through which messages reach sockets (the realtime gateway satisfies it).
 */
import type { Knex } from 'knex';
import type { ServerMessage } from '../../contract/messages.ts';
import type { Clock } from '../../core/clock.ts';
import type { ChatConfig } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import type { CounterStore } from '../../core/counters.ts';
import { createTypingThrottle, type TypingThrottle } from './typing.ts';

/** How chat events reach sockets on every instance; `Gateway` has this shape. */
/** The time of the chat area's clock, as the Date its rows store. */
export const now = (deps: Pick<ChatDeps, 'clock'>): Date => new Date(deps.clock.now());

export interface ChatDelivery {
  sendToUsers(userIds: readonly string[], message: ServerMessage): Promise<void>;
  broadcast(
    channel: string,
    message: ServerMessage,
    options?: { excludeUserIds?: readonly string[] },
  ): Promise<void>;
}

/** Whether a user has an open socket on any instance (the `message` notification is for users without one). */
export type IsOnline = (userId: string) => Promise<boolean>;

/** Stores and pushes a notification (api/domain/notifications). */
export type Notify = (
  userId: string,
  type: 'message',
  payload: Record<string, unknown>,
) => Promise<void>;

export interface ChatDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  auditLogger: Logger;
  config: ChatConfig;
  counters: CounterStore;
  typing: TypingThrottle;
  delivery: ChatDelivery;
  isOnline: IsOnline;
  /** Absent until the notifications area is wired: then direct messages to offline users are not notified. */
  notify?: Notify;
}

/** The gateway channel every socket joins: conversations with implicit members (world) are broadcast to it. */
export const everyoneChannel = 'chat:everyone';

export type ChatDepsOptions = Omit<ChatDeps, 'typing'>;

export function createChatDeps(options: ChatDepsOptions): ChatDeps {
  return {
    ...options,
    typing: createTypingThrottle(options.clock, options.config.typingIntervalMs),
  };
}
