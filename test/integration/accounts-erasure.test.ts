/**
 * Deleting an account erases it: after DELETE /admin/users/{u}, no table of
 * the database (every text and JSON column, enumerated from the catalog) and
 * no API view the test can reach holds the old username, email, display name
 * or message text, and whoever registers the freed username starts clean.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  adminPassword,
  api,
  loginAs,
  register,
  registerAs as registerAccount,
  startAuthServer,
  type Registered,
} from '../support/accounts.ts';
import { openDirect, say, worldId } from '../support/chat.ts';
import { befriend, notificationsOf } from '../support/social.ts';
import { importMatches } from '../support/stats.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('account deletion erases the account', function () {
  this.timeout(120_000);
  const s = suiteServer(() => startAuthServer());
  let adminToken: string;
  before(async () => {
    adminToken = await loginAs(s.url, 'admin', adminPassword);
  });

  const ok = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await api(s.url, method, path, { token, body });
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  /** Every (table, column) of type text, varchar, json or jsonb in the public schema. */
  async function textColumns(): Promise<Array<{ table: string; column: string }>> {
    const rows = await s
      .db('information_schema.columns')
      .where({ table_schema: 'public' })
      .whereIn('data_type', ['text', 'character varying', 'json', 'jsonb'])
      .select('table_name as table', 'column_name as column');
    return rows as Array<{ table: string; column: string }>;
  }

  async function tableHits(needles: string[]): Promise<string[]> {
    const hits: string[] = [];
    const columns = await textColumns();
    assert.ok(columns.length > 30, 'the catalog lists the schema');
    for (const { table, column } of columns)
      for (const needle of needles) {
        const [row] = await s
          .db(table)
          .whereRaw('position(lower(?) in lower(??::text)) > 0', [needle, column])
          .count({ n: '*' });
        if (Number(row!.n) > 0) hits.push(`${table}.${column} holds ${needle}`);
      }
    return hits;
  }

  it('leaves none of the old name, email, display name or messages in any table or view; the freed name starts clean', async () => {
    const [victim, friend, other] = [
      await register(s.url, 'vic'),
      await register(s.url, 'fri'),
      await register(s.url, 'oth'),
    ];
    const displayName = `Zora ${randomUUID().slice(0, 8)} Quill`;
    const secret = `the parrot sings at ${randomUUID()}`;
    // An admin edit puts the victim's name in the audit log as a target.
    await ok('PATCH', `/api/v1/admin/users/${victim.username}`, adminToken, { displayName });
    await befriend(s.url, victim, friend); // friend_request to friend, friend_accept to victim
    const direct = await openDirect(s.url, victim, friend);
    await say(s.url, victim, direct, secret); // friend has no socket: a message notification with a preview
    await say(s.url, friend, direct, 'a reply of my own');
    await say(s.url, victim, await worldId(s.url, victim), `${secret} in world`);
    await ok('PUT', `/api/v1/blocks/${other.username}`, victim.accessToken);
    await ok('POST', '/api/v1/events', victim.accessToken, {
      events: [
        {
          name: 'screen_view',
          properties: { screen: 'home' },
          timestamp: new Date().toISOString(),
        },
      ],
    });
    await ok('POST', '/api/v1/auth/password-reset/request', '', { email: victim.email });
    await importMatches(s.url, adminToken, [
      {
        left: victim.username,
        right: friend.username,
        score: [3, 1],
        startedAt: new Date(Date.now() - 3_600_000),
      },
    ]);
    const before = await notificationsOf(s.url, friend);
    assert.ok(
      JSON.stringify(before.items).includes(victim.username),
      'the friend was told about the victim',
    );

    const deleted = await api(s.url, 'DELETE', `/api/v1/admin/users/${victim.username}`, {
      token: adminToken,
    });
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    const tombstone = deleted.body.data.username as string;

    const needles = [victim.username, victim.email, displayName, secret];
    assert.deepEqual(await tableHits(needles), [], 'no table holds the old identity');
    const sessions = await s.db('sessions').where({ user_id: victim.id });
    assert.ok(sessions.length > 0);
    assert.ok(
      sessions.every((x) => x.ip === null && x.user_agent === null),
      'sessions keep no IP or user agent',
    );
    assert.equal((await s.db('events').where({ user_id: victim.id })).length, 0);
    const edges = await s
      .db('friend_edges')
      .where({ user_id: victim.id })
      .orWhere({ other_id: victim.id });
    assert.equal(edges.length, 0, 'no friend edges');

    const views = [
      await ok('GET', '/api/v1/notifications?limit=100', friend.accessToken),
      await ok('GET', '/api/v1/admin/audit?limit=100', adminToken),
      await ok('GET', `/api/v1/users?q=${victim.username.slice(0, 6)}`, friend.accessToken),
      await ok('GET', `/api/v1/admin/users?q=${victim.username.slice(0, 6)}`, adminToken),
      await ok('GET', '/api/v1/conversations?limit=100', friend.accessToken),
      await ok('GET', `/api/v1/conversations/${direct}/messages?limit=100`, friend.accessToken),
      await ok('GET', `/api/v1/conversations/${await worldId(s.url, friend)}/messages`, adminToken),
      await ok('GET', '/api/v1/friends', friend.accessToken),
      await ok('GET', '/api/v1/leaderboards/rating?limit=100', friend.accessToken),
      await ok('GET', '/api/v1/leaderboards/wins?limit=100', friend.accessToken),
      await ok('GET', `/api/v1/users/${friend.username}/matches`, friend.accessToken),
      await ok('GET', '/api/v1/me/matches', friend.accessToken),
    ];
    for (const view of views) {
      const text = JSON.stringify(view).toLowerCase();
      for (const needle of needles)
        assert.ok(!text.includes(needle.toLowerCase()), `${needle} in ${JSON.stringify(view)}`);
    }
    const history = (await ok('GET', '/api/v1/me/matches', friend.accessToken)) as {
      data: Array<{ players: Array<{ username: string } | null> }>;
    };
    assert.ok(
      JSON.stringify(history.data).includes(tombstone),
      'the match stays in the friend’s history, under the tombstone',
    );
    const mine = (await ok('GET', `/api/v1/conversations/${direct}/messages`, friend.accessToken))
      .data as Array<{ body: string | null; sender: { id: string } }>;
    assert.deepEqual(
      mine.filter((m) => m.body !== null).map((m) => m.body),
      ['a reply of my own'],
      'the friend keeps their own words',
    );

    const heir: Registered = await registerAs(victim.username);
    const heirNotes = await notificationsOf(s.url, heir);
    assert.deepEqual(heirNotes.items, [], 'no notifications inherited');
    const convs = (await ok('GET', '/api/v1/conversations', heir.accessToken)).data as Array<{
      kind: string;
    }>;
    assert.deepEqual(
      convs.map((c) => c.kind),
      ['channel'],
      'only world: no direct conversation inherited',
    );
    const friendNotes = await notificationsOf(s.url, friend);
    assert.ok(
      !JSON.stringify(friendNotes.items).includes(victim.username),
      'nothing in the friend’s notifications points at the new owner of the name',
    );
    assert.deepEqual((await ok('GET', '/api/v1/friends', heir.accessToken)).data, []);
  });

  const registerAs = (username: string) =>
    registerAccount(s.url, {
      username,
      email: `heir-${randomUUID().slice(0, 8)}@example.test`,
      password: `pw-${username}-Heir-Secret!`,
    });
});
