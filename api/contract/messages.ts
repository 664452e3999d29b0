/**
 * Every WebSocket message of every area, in one table: the registration point
 * of the realtime protocol, as `index.ts` is for HTTP endpoints. An area
 * defines its table with `defineMessages` in its own contract file and spreads
 * it here; the unions, the gateway's dispatch table, the metric label
 * allow-list and the AsyncAPI document all follow from it.
 */
import { z } from 'zod';
import { chatMessages } from './chat.ts';
import { notificationMessages } from './notifications.ts';
import { gameMessages } from './game.ts';
import { matchmakingMessages } from './matchmaking.ts';
import { gatewayMessages, type MessageSpec } from './realtime.ts';
import { socialMessages } from './social.ts';

export const messages = {
  ...gatewayMessages,
  ...gameMessages,
  ...matchmakingMessages,
  ...socialMessages,
  ...notificationMessages,
  ...chatMessages,
} satisfies Record<string, MessageSpec>;

export type Messages = typeof messages;
export type MessageType = keyof Messages;

type Direction<D extends 'client' | 'server'> = {
  [K in MessageType]: Messages[K]['direction'] extends D ? K : never;
}[MessageType];

/** Types a client may send. */
export type ClientMessageType = Direction<'client'>;
/** Types the server sends. */
export type ServerMessageType = Direction<'server'>;

/** The parsed form of one message type. */
export type MessageOf<T extends MessageType> = z.infer<Messages[T]['schema']>;
export type ClientMessage = { [K in ClientMessageType]: MessageOf<K> }[ClientMessageType];
export type ServerMessage = { [K in ServerMessageType]: MessageOf<K> }[ServerMessageType];

function union(direction: 'client' | 'server') {
  const schemas = Object.values(messages as Record<string, MessageSpec>)
    .filter((spec) => spec.direction === direction)
    .map((spec) => spec.schema);
  return z.discriminatedUnion(
    'type',
    schemas as [MessageSpec['schema'], ...MessageSpec['schema'][]],
  );
}

/** Everything a client may send, discriminated by `type`. */
export const clientMessageSchema = union('client');
/** Everything the server sends, discriminated by `type`. */
export const serverMessageSchema = union('server');

/** The allow-list of `type` label values for the ws metrics. */
export const messageTypes: ReadonlySet<string> = new Set(Object.keys(messages));
