/**
 * Chat over HTTP and WebSocket with real sockets: delivery to every socket of
 * both users of a direct conversation, world fan-out, chat.send replies and
 * errors that keep the socket open, body validation, the per-user rate limit,
 * and history pagination at its edges.
 */
import assert from 'node:assert/strict';
import { api, startAuthServer } from '../support/accounts.ts';
import {
  chatUser,
  closeAll,
  nextMessage,
  openDirect,
  post,
  say,
  silent,
  worldId,
  type ChatUser,
} from '../support/chat.ts';
import type { WsMessage } from '../support/ws-client.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('chat messages', () => {
  const s = suiteServer(
    () => startAuthServer({ CHAT_RATE_LIMIT: '5', CHAT_RATE_WINDOW_SECONDS: '10' }),
    90_000,
  );
  const users: ChatUser[] = [];
  const user = async (sockets = 1) => {
    const u = await chatUser(s.url, sockets);
    users.push(u);
    return u;
  };

  afterEach(() => closeAll(users.splice(0)));

  it('delivers a direct message to every socket of both users, and only to them', async () => {
    const [a, b, outsider] = [await user(2), await user(3), await user(1)];
    const id = await openDirect(s.url, a, b);
    assert.equal(await openDirect(s.url, b, a), id, 'one conversation per pair, whoever opens it');
    const sent = await say(s.url, a, id, '  hello there  ');
    assert.equal(sent.body, 'hello there', 'the body is trimmed');
    for (const socket of [...a.sockets, ...b.sockets]) {
      const got = await nextMessage(socket, id);
      assert.equal(got.message.id, sent.id);
      assert.equal(got.message.body, 'hello there');
    }
    await silent(outsider.sockets[0]!, 'chat.message');
    const history = await api(s.url, 'GET', `/api/v1/conversations/${id}/messages`, {
      token: outsider.accessToken,
    });
    assert.equal(
      history.status,
      404,
      'someone else’s direct conversation does not exist for an outsider',
    );
  });

  it('fans a world message out to every connected user, once per socket', async () => {
    const all = [await user(1), await user(2), await user(1)];
    const world = await worldId(s.url, all[0]!);
    const sent = await say(s.url, all[0]!, world, 'hi world');
    for (const socket of all.flatMap((u) => u.sockets))
      assert.equal((await nextMessage(socket, world)).message.id, sent.id);
    for (const socket of all.flatMap((u) => u.sockets)) await silent(socket, 'chat.message', 150);
  });

  it('answers chat.send with chat.sent carrying the request id, and errors without closing the socket', async () => {
    const [a, b] = [await user(), await user()];
    const id = await openDirect(s.url, a, b);
    const socket = a.sockets[0]!;
    socket.send({ type: 'chat.send', id: 'r1', conversationId: id, body: 'over ws' });
    const ack = await socket.next('chat.sent');
    assert.equal(ack.id, 'r1');
    assert.equal((ack.message as { body: string }).body, 'over ws');
    assert.equal((await nextMessage(b.sockets[0]!, id)).message.body, 'over ws');

    const cases: Array<[unknown, string]> = [
      [{ type: 'chat.send', id: 'e1', conversationId: id, body: '   ' }, 'VALIDATION'],
      [{ type: 'chat.send', id: 'e2', conversationId: id, body: 'x'.repeat(2001) }, 'VALIDATION'],
      [{ type: 'chat.send', id: 'e3', conversationId: id, body: 'ok', extra: 1 }, 'VALIDATION'],
      [{ type: 'chat.send', id: 'e4', conversationId: 'abc', body: 'ok' }, 'VALIDATION'],
      [{ type: 'chat.send', id: 'e5', conversationId: '999999999', body: 'ok' }, 'NOT_FOUND'],
    ];
    for (const [message, code] of cases) {
      socket.send(message);
      const error = await socket.next('error');
      assert.equal(error.id, (message as { id: string }).id);
      assert.equal(error.code, code, JSON.stringify(error));
    }
    socket.send({ type: 'ping', id: 'alive' });
    assert.equal((await socket.next('pong')).id, 'alive', 'the socket stayed open');
  });

  it('accepts exactly 2000 characters (code points) and refuses 2001 over HTTP', async () => {
    const [a, b] = [await user(0), await user(0)];
    const id = await openDirect(s.url, a, b);
    const emoji = '😀'.repeat(2000);
    assert.equal(
      (await post(s.url, a, id, emoji)).status,
      201,
      '2000 astral characters are 4000 UTF-16 units and still allowed',
    );
    const long = await post(s.url, a, id, `${'y'.repeat(2001)}`);
    assert.equal(long.status, 400);
    assert.equal(long.body.error.code, 'VALIDATION');
    assert.equal(
      (await post(s.url, a, id, ' \n\t ')).status,
      400,
      'whitespace only is empty after trimming',
    );
  });

  it('rate limits each user across HTTP and WebSocket, with Retry-After, until the window ends', async () => {
    const [a, b] = [await user(), await user(0)];
    const id = await openDirect(s.url, a, b);
    for (let i = 0; i < 4; i++) await say(s.url, a, id, `m${i}`);
    a.sockets[0]!.send({ type: 'chat.send', id: 'fifth', conversationId: id, body: 'five' });
    assert.equal((await a.sockets[0]!.next('chat.sent')).id, 'fifth');
    const limited = await post(s.url, a, id, 'six');
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    a.sockets[0]!.send({ type: 'chat.send', id: 'seventh', conversationId: id, body: 'seven' });
    const error = await a.sockets[0]!.next('error');
    assert.deepEqual([error.id, error.code], ['seventh', 'RATE_LIMITED']);
    assert.equal(
      (await say(s.url, b, id, 'the other user is not limited')).body,
      'the other user is not limited',
    );
    s.clock.advance(10_001);
    assert.equal((await post(s.url, a, id, 'after the window')).status, 201);
  });

  it('stores a `message` notification for a direct message only when the recipient has no open socket', async () => {
    const [a, offline, online] = [await user(0), await user(0), await user(1)];
    const toOffline = await openDirect(s.url, a, offline);
    const toOnline = await openDirect(s.url, a, online);
    for (let i = 0; i < 100 && !(await s.social.presence.isOnline(online.id)); i++)
      await new Promise((r) => setTimeout(r, 20));
    const m = await say(s.url, a, toOffline, 'are you there?');
    const stored = await api(s.url, 'GET', '/api/v1/notifications', { token: offline.accessToken });
    const notification = stored.body.data.find((n: { type: string }) => n.type === 'message');
    assert.ok(notification, JSON.stringify(stored.body));
    assert.deepEqual(notification.payload, {
      conversationId: toOffline,
      messageId: m.id,
      from: { username: a.username, displayName: notification.payload.from.displayName },
      preview: 'are you there?',
    });
    await say(s.url, a, toOnline, 'hi');
    await nextMessage(online.sockets[0]!, toOnline);
    const none = await api(s.url, 'GET', '/api/v1/notifications', { token: online.accessToken });
    assert.deepEqual(
      none.body.data.filter((n: { type: string }) => n.type === 'message'),
      [],
      'the live socket got chat.message instead',
    );
  });

  it('refuses members-only sends, and unknown conversations', async () => {
    const [a, b, c] = [await user(0), await user(0), await user(0)];
    const id = await openDirect(s.url, a, b);
    const res = await post(s.url, c, id, 'let me in');
    assert.equal(res.status, 404);
    assert.equal((await post(s.url, a, '424242424242', 'nowhere')).status, 404);
  });

  describe('history pages', () => {
    let a: ChatUser;
    let id: string;
    const ids: string[] = [];
    const page = async (query: string) => {
      const res = await api(s.url, 'GET', `/api/v1/conversations/${id}/messages${query}`, {
        token: a.accessToken,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return {
        ids: (res.body.data as WsMessage[]).map((m) => m.id as string),
        next: res.body.meta.nextCursor as string | null,
      };
    };

    before(async () => {
      s.clock.advance(60_000); // a fresh rate-limit window for the seeding below
      a = await chatUser(s.url, 0);
      const b = await chatUser(s.url, 0);
      id = await openDirect(s.url, a, b);
      for (let i = 0; i < 7; i++) {
        if (i === 5) s.clock.advance(10_001);
        ids.push((await say(s.url, i % 2 ? b : a, id, `n${i}`)).id);
      }
    });

    it('pages newest first with exact edges: a full last page has no next cursor', async () => {
      const first = await page('?limit=3');
      assert.deepEqual(first.ids, ids.slice(4).reverse());
      assert.equal(first.next, ids[4]);
      const second = await page(`?limit=3&before=${first.next}`);
      assert.deepEqual(second.ids, ids.slice(1, 4).reverse());
      const third = await page(`?limit=1&before=${second.next}`);
      assert.deepEqual(third.ids, [ids[0]]);
      assert.equal(third.next, null, 'exactly one message was left: no further page');
      const exact = await page('?limit=7');
      assert.equal(exact.ids.length, 7);
      assert.equal(exact.next, null, 'a page that ends on the oldest message has no cursor');
    });

    it('answers an empty page before the oldest message, defaults to 50, caps the limit at 100', async () => {
      assert.deepEqual(await page(`?before=${ids[0]}`), { ids: [], next: null });
      assert.equal((await page('')).ids.length, 7);
      const tooMany = await api(s.url, 'GET', `/api/v1/conversations/${id}/messages?limit=101`, {
        token: a.accessToken,
      });
      assert.equal(tooMany.status, 400);
      const badCursor = await api(
        s.url,
        'GET',
        `/api/v1/conversations/${id}/messages?before=zero`,
        { token: a.accessToken },
      );
      assert.equal(badCursor.status, 400);
    });
  });
});
