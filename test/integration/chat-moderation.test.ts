/**
 * Chat rules around people: deletion tombstones and who may delete, the
 * audited purge, channels (moderators create, users join and leave, world
 * cannot be left), and blocks (no direct messages either way, a blocked
 * sender's channel messages never reach the blocker).
 */
import assert from 'node:assert/strict';
import {
  adminPassword,
  api,
  loginAs,
  startAuthServer,
  userWithRole,
  type AuthTestServer,
} from '../support/accounts.ts';
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

describe('chat moderation, channels and blocks', () => {
  let s: AuthTestServer;
  let adminToken: string;
  const users: ChatUser[] = [];
  const user = async (sockets = 1) => {
    const u = await chatUser(s.url, sockets);
    users.push(u);
    return u;
  };
  const block = async (blocker: ChatUser, blocked: ChatUser) => {
    const res = await api(s.url, 'PUT', `/api/v1/blocks/${blocked.username}`, {
      token: blocker.accessToken,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };

  before(async function () {
    this.timeout(90_000); // start-up runs every migration; slow when the shared machine is busy
    s = await startAuthServer();
    adminToken = await loginAs(s.url, 'admin', adminPassword);
  });
  afterEach(() => closeAll(users.splice(0)));
  after(async () => s?.stop());

  it('lets a sender delete their own message: a tombstone stays in history and members get chat.deleted', async () => {
    const [a, b] = [await user(), await user()];
    const id = await openDirect(s.url, a, b);
    const m = await say(s.url, a, id, 'oops');
    await nextMessage(b.sockets[0]!, id);
    const denied = await api(s.url, 'DELETE', `/api/v1/messages/${m.id}`, { token: b.accessToken });
    assert.equal(denied.status, 403, 'not your message');
    const res = await api(s.url, 'DELETE', `/api/v1/messages/${m.id}`, { token: a.accessToken });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.data.deleted, res.body.data.body], [true, null]);
    for (const socket of [a.sockets[0]!, b.sockets[0]!]) {
      const event = await socket.next('chat.deleted');
      assert.deepEqual(
        [event.conversationId, event.messageIds, event.deletedBy],
        [id, [m.id], 'sender'],
      );
    }
    const history = await api(s.url, 'GET', `/api/v1/conversations/${id}/messages`, {
      token: b.accessToken,
    });
    assert.deepEqual(
      history.body.data.map((x: { id: string; deleted: boolean; body: string | null }) => [
        x.id,
        x.deleted,
        x.body,
      ]),
      [[m.id, true, null]],
    );
    assert.ok(history.body.data[0].deletedAt);
    const text = await s
      .db('chat_messages')
      .where({ id: Number(m.id) })
      .first('body');
    assert.equal(text.body, '', 'the text is gone from the database, not just hidden');
    assert.equal(
      (await api(s.url, 'DELETE', `/api/v1/messages/${m.id}`, { token: a.accessToken })).status,
      200,
      'deleting a tombstone again is harmless',
    );
    assert.equal(
      (await api(s.url, 'DELETE', '/api/v1/messages/987654321', { token: a.accessToken })).status,
      404,
    );
  });

  it('lets a moderator delete anyone’s world message, audited, with deletedBy moderator', async () => {
    const [a, watcher] = [await user(0), await user()];
    const mod = await userWithRole(s.url, adminToken, 'moderator');
    const world = await worldId(s.url, a);
    const m = await say(s.url, a, world, 'spam spam');
    await nextMessage(watcher.sockets[0]!, world);
    const res = await api(s.url, 'DELETE', `/api/v1/messages/${m.id}`, { token: mod.accessToken });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const event = await watcher.sockets[0]!.next('chat.deleted');
    assert.equal(event.deletedBy, 'moderator');
    const audit = await s
      .db('audit_log')
      .where({ action: 'chat.message.delete', target: a.username.toLowerCase() })
      .first();
    assert.ok(audit, 'the moderator’s deletion is in the audit log');
  });

  it('purges everything one user wrote in batches, audited; players may not purge', async () => {
    const [spammer, b, watcher] = [await user(0), await user(0), await user()];
    const direct = await openDirect(s.url, spammer, b);
    const world = await worldId(s.url, spammer);
    await say(s.url, spammer, direct, 'one');
    await say(s.url, spammer, world, 'two');
    const kept = await say(s.url, b, direct, 'not mine');
    // Bulk rows beyond one batch, written as the service would (the rate limit would take minutes).
    const rows = Array.from({ length: 1200 }, (_, i) => ({
      conversation_id: Number(world),
      sender_id: spammer.id,
      body: `bulk ${i}`,
    }));
    for (let i = 0; i < rows.length; i += 400)
      await s.db('chat_messages').insert(rows.slice(i, i + 400));
    const forbidden = await api(
      s.url,
      'DELETE',
      `/api/v1/admin/users/${spammer.username}/messages`,
      { token: b.accessToken },
    );
    assert.equal(forbidden.status, 403);
    const mod = await userWithRole(s.url, adminToken, 'moderator');
    const res = await api(s.url, 'DELETE', `/api/v1/admin/users/${spammer.username}/messages`, {
      token: mod.accessToken,
      headers: { 'x-request-id': 'purge-req-1' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.data, { username: spammer.username, purged: 1202, batches: 3 });
    const live = await s
      .db('chat_messages')
      .where({ sender_id: spammer.id })
      .whereNull('deleted_at')
      .count({ n: '*' });
    assert.equal(live[0]!.n, 0);
    assert.equal(
      (
        await s
          .db('chat_messages')
          .where({ id: Number(kept.id) })
          .first()
      ).deleted_at,
      null,
      'other senders are untouched',
    );
    const deleted = await watcher.sockets[0]!.next('chat.deleted');
    assert.equal(deleted.conversationId, world);
    const audit = await s
      .db('audit_log')
      .where({ action: 'chat.purge', target: spammer.username.toLowerCase() })
      .first();
    assert.ok(audit);
    assert.equal(audit.actor, mod.username.toLowerCase());
    const details = typeof audit.details === 'string' ? JSON.parse(audit.details) : audit.details;
    assert.deepEqual(details, { purged: 1202, batches: 3 });
    const again = await api(s.url, 'DELETE', `/api/v1/admin/users/${spammer.username}/messages`, {
      token: mod.accessToken,
    });
    assert.deepEqual(again.body.data, { username: spammer.username, purged: 0, batches: 0 });
    assert.equal(
      (
        await api(s.url, 'DELETE', '/api/v1/admin/users/nobody-here/messages', {
          token: mod.accessToken,
        })
      ).status,
      404,
    );
    const onAdmin = await api(s.url, 'DELETE', '/api/v1/admin/users/admin/messages', {
      token: mod.accessToken,
    });
    assert.equal(onAdmin.status, 403, 'a moderator cannot purge an admin');
  });

  it('lets moderators create public channels that users join, post in and leave; world cannot be left', async () => {
    const [a, b] = [await user(), await user()];
    const mod = await userWithRole(s.url, adminToken, 'moderator');
    const name = `lobby${Date.now().toString(36)}`;
    assert.equal(
      (await api(s.url, 'POST', '/api/v1/channels', { token: a.accessToken, body: { name } }))
        .status,
      403,
    );
    const created = await api(s.url, 'POST', '/api/v1/channels', {
      token: mod.accessToken,
      body: { name },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(
      (await api(s.url, 'POST', '/api/v1/channels', { token: mod.accessToken, body: { name } }))
        .status,
      409,
    );
    const id = created.body.data.id as string;
    const notYet = await post(s.url, a, id, 'hello?');
    assert.equal(notYet.status, 403, 'members only');
    for (const u of [a, b])
      assert.equal(
        (await api(s.url, 'POST', `/api/v1/channels/${name}/join`, { token: u.accessToken }))
          .status,
        200,
      );
    const m = await say(s.url, a, id, 'hello channel');
    assert.equal((await nextMessage(b.sockets[0]!, id)).message.id, m.id);
    const left = await api(s.url, 'POST', `/api/v1/channels/${name}/leave`, {
      token: b.accessToken,
    });
    assert.equal(left.body.data.member, false);
    await say(s.url, a, id, 'anyone?');
    await silent(b.sockets[0]!, 'chat.message');
    const world = await api(s.url, 'POST', '/api/v1/channels/world/leave', {
      token: a.accessToken,
    });
    assert.equal(world.status, 409);
    const list = await api(s.url, 'GET', '/api/v1/channels', { token: a.accessToken });
    const names = list.body.data.map((c: { name: string; member: boolean }) => [c.name, c.member]);
    assert.deepEqual(
      names.filter(([n]: [string]) => n === name || n === 'world'),
      [
        [name, true],
        ['world', true],
      ].sort(),
    );
  });

  it('refuses direct conversations and messages when either user blocks the other', async () => {
    const [a, b, c] = [await user(), await user(), await user()];
    const ab = await openDirect(s.url, a, b);
    await block(b, a);
    const open = await api(s.url, 'POST', '/api/v1/conversations/direct', {
      token: a.accessToken,
      body: { username: b.username },
    });
    assert.equal(open.status, 403);
    assert.equal(open.body.error.details.reason, 'BLOCKED');
    assert.equal(
      (await post(s.url, a, ab, 'are you there?')).status,
      403,
      'the blocked user cannot write',
    );
    assert.equal((await post(s.url, b, ab, 'nor can the blocker')).status, 403);
    await block(a, c);
    const reverse = await api(s.url, 'POST', '/api/v1/conversations/direct', {
      token: c.accessToken,
      body: { username: a.username },
    });
    assert.equal(reverse.status, 403, 'blocked in the other direction too');
  });

  it('keeps a blocked sender’s world messages from the blocker, live and in history', async () => {
    const [blocker, blocked, bystander] = [await user(), await user(), await user()];
    await block(blocker, blocked);
    const world = await worldId(s.url, blocker);
    const m = await say(s.url, blocked, world, 'you cannot hear me');
    assert.equal((await nextMessage(bystander.sockets[0]!, world)).message.id, m.id);
    await silent(blocker.sockets[0]!, 'chat.message');
    const history = await api(s.url, 'GET', `/api/v1/conversations/${world}/messages`, {
      token: blocker.accessToken,
    });
    assert.ok(
      !history.body.data.some((x: { id: string }) => x.id === m.id),
      'not in the blocker’s history',
    );
    const seen = await api(s.url, 'GET', `/api/v1/conversations/${world}/messages?limit=5`, {
      token: bystander.accessToken,
    });
    assert.equal(seen.body.data[0].id, m.id, 'others still see it');
    const polite = await say(s.url, blocker, world, 'fine');
    assert.equal(
      (await nextMessage(blocker.sockets[0]!, world)).message.id,
      polite.id,
      'the blocker still gets everything else',
    );
  });
});
