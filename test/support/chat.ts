/**
 * Chat test helpers: users with open sockets, a direct conversation between
 * two users, the id of world, and short calls to the chat endpoints.
 */
import assert from 'node:assert/strict';
import { api, register, type Registered } from './accounts.ts';
import { connect, type TestClient, type WsMessage } from './ws-client.ts';

export interface ChatUser extends Registered {
  sockets: TestClient[];
}

/** Registers a user and opens `sockets` sockets for it (each waits for hello). */
export async function chatUser(base: string, sockets = 1, prefix = 'ch'): Promise<ChatUser> {
  const user = await register(base, prefix);
  const opened: TestClient[] = [];
  for (let i = 0; i < sockets; i++) opened.push((await connect(base, user.accessToken)).client);
  return { ...user, sockets: opened };
}

export function closeAll(users: ChatUser[]): void {
  for (const user of users) for (const socket of user.sockets) socket.close();
}

export async function openDirect(base: string, from: Registered, to: Registered): Promise<string> {
  const res = await api(base, 'POST', '/api/v1/conversations/direct', {
    token: from.accessToken,
    body: { username: to.username },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data.id as string;
}

export async function worldId(base: string, user: Registered): Promise<string> {
  const res = await api(base, 'GET', '/api/v1/channels?limit=100', { token: user.accessToken });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const world = (res.body.data as { name: string; id: string }[]).find((c) => c.name === 'world');
  assert.ok(world, 'world exists');
  return world.id;
}

export async function post(base: string, user: Registered, conversationId: string, body: string) {
  return api(base, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
    token: user.accessToken,
    body: { body },
  });
}

/** Sends and asserts 201; resolves with the stored message. */
export async function say(
  base: string,
  user: Registered,
  conversationId: string,
  body: string,
): Promise<{ id: string; body: string }> {
  const res = await post(base, user, conversationId, body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

/** The next chat.message on a socket for this conversation. */
export async function nextMessage(
  socket: TestClient,
  conversationId: string,
  timeoutMs = 2_000,
): Promise<WsMessage & { message: { id: string; body: string | null; conversationId: string } }> {
  for (;;) {
    const m = (await socket.next('chat.message', timeoutMs)) as WsMessage & {
      message: { id: string; body: string | null; conversationId: string };
    };
    if (m.message.conversationId === conversationId) return m;
  }
}

/** Resolves when nothing of `type` arrives within `ms` (and fails when something does). */
export async function silent(socket: TestClient, type: string, ms = 300): Promise<void> {
  // Waits, then looks at the queue: a timed-out next() would leave a waiter behind that swallows the next message.
  await new Promise((resolve) => setTimeout(resolve, ms));
  const got = socket.received.find((m) => m.type === type);
  assert.equal(got, undefined, `unexpected ${type}: ${JSON.stringify(got)}`);
}
