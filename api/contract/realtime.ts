/**
 * The WebSocket protocol as data: the `{type, id?, ...}` envelope, the message
 * table shape every area fills in, the `error` reply, the gateway's own
 * messages and the close codes. The gateway dispatches and validates with these
 * schemas and the AsyncAPI document is generated from them.
 */
import { z } from 'zod';
import { errorCodes, errorTable, type ErrorCode } from './errors.ts';

/** The one WebSocket endpoint, upgraded by the API's HTTP server. */
export const websocketPath = '/api/v1/ws';

/** Client-chosen correlation id; replies and errors about a message carry it back. */
export const messageIdSchema = z.string().min(1).max(64);

/** Who sends a message: `client` (client → server) or `server` (server → client). */
export type MessageDirection = 'client' | 'server';

/** A message schema: a strict object whose `type` is a literal. */
export type MessageSchema = z.ZodObject<
  { type: z.ZodLiteral<string> } & z.ZodRawShape,
  z.core.$strict
>;

export interface MessageSpec {
  readonly type: string;
  readonly direction: MessageDirection;
  readonly summary: string;
  readonly schema: MessageSchema;
  /**
   * Server messages that may be skipped for a socket whose send buffer is full
   * (typing, presence, spectator frames): newer ones supersede them.
   */
  readonly droppable?: boolean;
  /** An example for the document where one derived from the schema would break a refinement. */
  readonly example?: unknown;
}

/**
 * Builds the schema of one message: the envelope (`type` literal, optional
 * `id`) plus the message's own fields; unknown fields are rejected.
 */
export function messageSchema<const T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.strictObject({ type: z.literal(type), id: messageIdSchema.optional(), ...shape });
}

/** Identity function that keeps literal types and checks that keys, types and schemas agree. */
export function defineMessages<const T extends Record<string, MessageSpec>>(table: T): T {
  for (const [key, spec] of Object.entries(table)) {
    if (key !== spec.type) throw new Error(`message key ${key} differs from its type ${spec.type}`);
    const literal = spec.schema.shape.type.value;
    if (literal !== spec.type)
      throw new Error(`message ${key} has a schema for type ${String(literal)}`);
    if (spec.droppable && spec.direction !== 'server')
      throw new Error(`message ${key}: only server messages can be droppable`);
  }
  return table;
}

/** The `error` reply: an AppError code, and the `id` of the offending message when it had one. */
export const errorMessageSchema = messageSchema('error', {
  code: z.enum(errorCodes),
  message: z.string(),
  details: z.unknown().optional(),
});

/** What the server tells a socket right after the upgrade. */
export const helloMessageSchema = messageSchema('hello', {
  connectionId: z.string(),
  userId: z.string(),
  sessionId: z.string(),
  serverTime: z.string().describe('ISO 8601'),
  limits: z.strictObject({
    maxMessageBytes: z.number().int().positive(),
    messagesPerSecond: z.number().positive(),
    burst: z.number().int().positive(),
    pingIntervalMs: z.number().int().positive(),
  }),
});

/** The gateway's own messages: every other area adds a table like this one. */
export const gatewayMessages = defineMessages({
  hello: {
    type: 'hello',
    direction: 'server',
    summary: 'Sent once after the upgrade: who you are and the limits that apply',
    schema: helloMessageSchema,
  },
  error: {
    type: 'error',
    direction: 'server',
    summary:
      'A message was refused (invalid JSON, unknown type, schema or domain error); the connection stays open',
    schema: errorMessageSchema,
  },
  ping: {
    type: 'ping',
    direction: 'client',
    summary:
      'Application-level ping for clients that cannot see protocol pings (browsers); answered by pong',
    schema: messageSchema('ping', {}),
  },
  pong: {
    type: 'pong',
    direction: 'server',
    summary: 'Answer to ping, with the id of the ping and the server clock',
    schema: messageSchema('pong', { serverTime: z.string().describe('ISO 8601') }),
  },
});

export interface CloseCode {
  readonly code: number;
  /** The AppError code that closes with it, when one does. */
  readonly error?: ErrorCode;
  readonly meaning: string;
}

const wsClose = (error: ErrorCode): number => errorTable[error].wsClose;

/** Every close code the gateway uses, and what a client should do about it. */
export const closeCodes: readonly CloseCode[] = [
  { code: 1000, meaning: 'Normal closure' },
  {
    code: 1001,
    meaning:
      'The server is shutting down (or the client left): reconnect, possibly to another instance',
  },
  { code: 1005, meaning: 'The client closed without giving a code' },
  {
    code: 1006,
    meaning: 'No close frame: the peer vanished or stopped answering pings and was terminated',
  },
  {
    code: wsClose('PAYLOAD_TOO_LARGE'),
    error: 'PAYLOAD_TOO_LARGE',
    meaning: 'A message exceeded the size limit (hello.limits.maxMessageBytes)',
  },
  {
    code: wsClose('INTERNAL'),
    error: 'INTERNAL',
    meaning: 'Unexpected server error (CONFIG and INTERNAL): reconnect with backoff',
  },
  {
    code: wsClose('UNAVAILABLE'),
    error: 'UNAVAILABLE',
    meaning: 'Try again later: the socket fell too far behind on reading, or a dependency is down',
  },
  {
    code: wsClose('VALIDATION'),
    error: 'VALIDATION',
    meaning: 'Protocol violation that cannot be answered with an error message: a binary frame',
  },
  {
    code: wsClose('UNAUTHENTICATED'),
    error: 'UNAUTHENTICATED',
    meaning: 'The session was revoked (logout, password change, admin action): sign in again',
  },
  {
    code: wsClose('FORBIDDEN'),
    error: 'FORBIDDEN',
    meaning: 'The account may no longer connect (banned or disabled)',
  },
  {
    code: wsClose('CONFLICT'),
    error: 'CONFLICT',
    meaning: 'Too many sockets for this user: this, the oldest, was replaced by a newer one',
  },
  {
    code: wsClose('RATE_LIMITED'),
    error: 'RATE_LIMITED',
    meaning: 'Too many messages: the per-connection token bucket ran dry',
  },
];
