/**
 * The conversation list (newest activity first, cursor pages, last message,
 * unread counts), read receipts over HTTP and WebSocket, and typing: other
 * members only, at most one per interval per conversation, never stored.
 */
import assert from 'node:assert/strict';
import { api, startAuthServer } from '../support/accounts.ts';
import {
  chatUser,
  closeAll,
  nextMessage,
  openDirect,
  say,
  silent,
  worldId,
  type ChatUser,
} from '../support/chat.ts';
import { suiteServer } from '../support/suite-server.ts';

interface ConversationJson {
  id: string;
  kind: string;
  unreadCount: number;
  lastReadMessageId: string | null;
  peerLastReadMessageId: string | null;
  lastMessage: { id: string; body: string | null } | null;
  peer: { username: string } | null;
}

describe('chat conversations, receipts and typing', () => {
  const s = suiteServer(() => startAuthServer({ CHAT_RATE_LIMIT: '1000' }), 90_000);
  const users: ChatUser[] = [];
  const user = async (sockets = 1) => {
    const u = await chatUser(s.url, sockets);
    users.push(u);
    return u;
  };
  const conversations = async (u: ChatUser, query = '') => {
    const res = await api(s.url, 'GET', `/api/v1/conversations${query}`, { token: u.accessToken });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return {
      items: res.body.data as ConversationJson[],
      next: res.body.meta.nextCursor as string | null,
    };
  };
  const read = (u: ChatUser, id: string, messageId: string) =>
    api(s.url, 'POST', `/api/v1/conversations/${id}/read`, {
      token: u.accessToken,
      body: { messageId },
    });

  afterEach(() => closeAll(users.splice(0)));

  it('lists conversations newest activity first, with the last message and cursor pages', async () => {
    // World's activity may come from other servers of this run (their clocks): be later than all of them.
    s.clock.advance(365 * 86_400_000);
    const [me, x, y] = [await user(0), await user(0), await user(0)];
    const withX = await openDirect(s.url, me, x);
    s.clock.advance(1_000);
    const withY = await openDirect(s.url, me, y);
    const world = await worldId(s.url, me);
    s.clock.advance(1_000);
    const last = await say(s.url, x, withX, 'x speaks last');
    const first = await conversations(me, '?limit=2');
    assert.deepEqual(
      first.items.map((c) => c.id),
      [withX, withY],
    );
    assert.equal(first.items[0]!.lastMessage!.id, last.id);
    assert.equal(first.items[0]!.peer!.username, x.username);
    assert.ok(first.next);
    const rest = await conversations(me, `?limit=2&cursor=${first.next}`);
    assert.ok(
      rest.items.some((c) => c.id === world),
      'world is listed for everyone without a member row',
    );
    assert.ok(!rest.items.some((c) => c.id === withX || c.id === withY), 'pages do not repeat');
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/conversations?cursor=nonsense', { token: me.accessToken }))
        .status,
      400,
    );
  });

  it('counts unread messages of others, moves the read position forward only, and sends receipts to both sides', async () => {
    const [a, b] = [await user(2), await user(1)];
    const id = await openDirect(s.url, a, b);
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(await say(s.url, a, id, `m${i}`));
    await say(s.url, b, id, 'my own message is never unread to me');
    const before = (await conversations(b)).items.find((c) => c.id === id)!;
    assert.equal(before.unreadCount, 3);
    assert.equal(before.lastReadMessageId, null);
    const res = await read(b, id, sent[1]!.id);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.data, {
      conversationId: id,
      lastReadMessageId: sent[1]!.id,
      unreadCount: 1,
    });
    for (const socket of [...a.sockets, ...b.sockets]) {
      const receipt = await socket.next('chat.read');
      assert.deepEqual(
        [receipt.conversationId, receipt.userId, receipt.username, receipt.messageId],
        [id, b.id, b.username, sent[1]!.id],
      );
    }
    const back = await read(b, id, sent[0]!.id);
    assert.equal(back.body.data.lastReadMessageId, sent[1]!.id, 'never moves back');
    await silent(a.sockets[0]!, 'chat.read', 200);
    const seenByA = (await conversations(a)).items.find((c) => c.id === id)!;
    assert.equal(
      seenByA.peerLastReadMessageId,
      sent[1]!.id,
      'the sender sees how far the other side has read',
    );
    const other = await openDirect(s.url, a, await user(0));
    const foreign = await say(s.url, a, other, 'elsewhere');
    assert.equal((await read(b, id, foreign.id)).status, 404, 'a message of another conversation');
  });

  it('marks read over the WebSocket (chat.markRead answered by chat.read) and keeps world receipts per user', async () => {
    const [a, b] = [await user(1), await user(1)];
    const world = await worldId(s.url, a);
    const m = await say(s.url, b, world, 'read me');
    await nextMessage(a.sockets[0]!, world);
    const unread = (await conversations(a)).items.find((c) => c.id === world)!.unreadCount;
    assert.ok(unread >= 1);
    a.sockets[0]!.send({
      type: 'chat.markRead',
      id: 'mr1',
      conversationId: world,
      messageId: m.id,
    });
    let reply = await a.sockets[0]!.next('chat.read');
    if (reply.id !== 'mr1') reply = await a.sockets[0]!.next('chat.read'); // the fan-out copy may come first
    assert.equal(reply.id, 'mr1');
    assert.equal(reply.messageId, m.id);
    const after = (await conversations(a)).items.find((c) => c.id === world)!;
    assert.deepEqual([after.unreadCount, after.lastReadMessageId], [0, m.id]);
    await silent(b.sockets[0]!, 'chat.read', 200);
    assert.equal(
      (await conversations(b)).items.find((c) => c.id === world)!.lastReadMessageId,
      null,
      'another user’s world position is untouched',
    );
    a.sockets[0]!.send({
      type: 'chat.markRead',
      id: 'mr2',
      conversationId: world,
      messageId: '999999999',
    });
    const error = await a.sockets[0]!.next('error');
    assert.deepEqual([error.id, error.code], ['mr2', 'NOT_FOUND']);
  });

  it('forwards typing to the other member only, at most once per 2 s per conversation, and never stores it', async () => {
    const [a, b] = [await user(2), await user(2)];
    const id = await openDirect(s.url, a, b);
    const other = await openDirect(s.url, a, await user(0));
    const typing = () => a.sockets[0]!.send({ type: 'chat.setTyping', conversationId: id });
    typing();
    for (const socket of b.sockets) {
      const event = await socket.next('chat.typing');
      assert.deepEqual(
        [event.conversationId, (event.user as { username: string }).username],
        [id, a.username],
      );
    }
    typing();
    typing();
    a.sockets[1]!.send({ type: 'chat.setTyping', conversationId: id });
    a.sockets[0]!.send({ type: 'chat.setTyping', conversationId: other });
    await silent(b.sockets[0]!, 'chat.typing', 400);
    for (const socket of a.sockets)
      assert.ok(
        !socket.received.some((m) => m.type === 'chat.typing'),
        'the typist’s own sockets get nothing',
      );
    s.clock.advance(2_000);
    typing();
    assert.equal(
      (await b.sockets[0]!.next('chat.typing')).conversationId,
      id,
      'allowed again after the interval',
    );
    const stored = await api(s.url, 'GET', `/api/v1/conversations/${id}/messages`, {
      token: b.accessToken,
    });
    assert.deepEqual(stored.body.data, []);
    b.sockets[0]!.send({ type: 'chat.setTyping', id: 't-bad', conversationId: '999999999' });
    assert.deepEqual([(await b.sockets[0]!.next('error')).id], ['t-bad']);
  });
});
