/**
 * Chat rules around people: deletion tombstones and who may delete, the
 * audited purge, channels (moderators create, users join and leave, world
 * cannot be left), and blocks (no direct messages either way, a blocked
 * sender's channel messages never reach the blocker).
 */
import assert from 'node:assert/strict';
import { adminPassword, api, loginAs, startAuthServer, userWithRole } from '../support/accounts.ts';
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
import { suiteServer } from '../support/suite-server.ts';

describe('chat moderation, channels and blocks', () => {
  const s = suiteServer(() => startAuthServer(), 90_000);
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

  before(async () => {
    adminToken = await loginAs(s.url, 'admin', adminPassword);
  });
  afterEach(() => closeAll(users.splice(0)));

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

  it('keeps moderators to channels and to users below them: never a direct message, never an admin’s', async () => {
    const [a, b] = [await user(0), await user(0)];
    const mod = await userWithRole(s.url, adminToken, 'moderator');
    const otherMod = await userWithRole(s.url, adminToken, 'moderator');
    const admin = await userWithRole(s.url, adminToken, 'admin');
    const del = (id: string, token: string) =>
      api(s.url, 'DELETE', `/api/v1/messages/${id}`, { token });
    const ab = await openDirect(s.url, a, b);
    const theirs = await say(s.url, a, ab, 'between the two of us');
    assert.equal((await del(theirs.id, mod.accessToken)).status, 404, 'another pair’s direct');
    assert.equal((await del(theirs.id, admin.accessToken)).status, 404, 'admins neither');
    const withMod = await openDirect(s.url, a, mod);
    const toMod = await say(s.url, a, withMod, 'hi moderator');
    const own = await del(toMod.id, mod.accessToken);
    assert.equal(own.status, 403, 'a direct conversation is its users’ own, staff or not');
    const world = await worldId(s.url, a);
    const byAdmin = await say(s.url, admin, world, 'admin speaking');
    const onAdmin = await del(byAdmin.id, mod.accessToken);
    assert.equal(onAdmin.status, 403, JSON.stringify(onAdmin.body));
    const byMod = await say(s.url, otherMod, world, 'moderator speaking');
    assert.equal((await del(byMod.id, mod.accessToken)).status, 403, 'not a peer’s either');
    const live = await s
      .db('chat_messages')
      .whereIn('id', [theirs.id, toMod.id, byAdmin.id, byMod.id].map(Number))
      .whereNull('deleted_at')
      .count({ n: '*' });
    assert.equal(Number(live[0]!.n), 4, 'none of the refused deletions happened');
    assert.equal((await del(byMod.id, admin.accessToken)).status, 200, 'admins act on moderators');
    assert.equal((await del(toMod.id, a.accessToken)).status, 200, 'the sender still may');
  });

  it('answers 404 for a message in a conversation the caller cannot see, as for a missing one', async () => {
    const [a, b, outsider] = [await user(0), await user(0), await user(0)];
    const ab = await openDirect(s.url, a, b);
    const m = await say(s.url, a, ab, 'not for outsiders');
    const missing = await api(s.url, 'DELETE', '/api/v1/messages/987654321', {
      token: outsider.accessToken,
    });
    const hidden = await api(s.url, 'DELETE', `/api/v1/messages/${m.id}`, {
      token: outsider.accessToken,
    });
    assert.equal(hidden.status, 404, JSON.stringify(hidden.body));
    assert.equal(hidden.body.error.code, missing.body.error.code);
    assert.equal(
      hidden.body.error.message.replace(m.id, 'ID'),
      missing.body.error.message.replace('987654321', 'ID'),
      'the same answer as a message that does not exist',
    );
    const mod = await userWithRole(s.url, adminToken, 'moderator');
    const name = `quiet${Date.now().toString(36)}`;
    const created = await api(s.url, 'POST', '/api/v1/channels', {
      token: mod.accessToken,
      body: { name },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await api(s.url, 'POST', `/api/v1/channels/${name}/join`, { token: a.accessToken });
    const inChannel = await say(s.url, a, created.body.data.id, 'members only');
    const notJoined = await api(s.url, 'DELETE', `/api/v1/messages/${inChannel.id}`, {
      token: outsider.accessToken,
    });
    assert.equal(notJoined.status, 404, 'a channel not joined is out of sight too');
    const member = await api(s.url, 'DELETE', `/api/v1/messages/${m.id}`, {
      token: b.accessToken,
    });
    assert.equal(member.status, 403, 'who sees the message learns only that it is not theirs');
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
