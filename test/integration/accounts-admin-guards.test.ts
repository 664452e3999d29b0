/**
 * Guards of the admin endpoints: at least one admin always remains, even when
 * two admins demote, ban or delete each other at the same moment (PostgreSQL
 * runs those requests truly in parallel, in a database of the test's own so it
 * holds exactly two admins); and no admin acts on their own account.
 */
import assert from 'node:assert/strict';
import {
  adminPassword,
  api,
  loginAs,
  startAuthServer,
  userWithRole,
  type AuthTestServer,
  type Registered,
} from '../support/accounts.ts';
import { privateDatabase, type PrivateDatabase } from '../support/private-database.ts';

describe('accounts: admin guards', () => {
  let db: PrivateDatabase;
  let s: AuthTestServer;
  let adminToken: string;
  let other: Registered;
  before(async function () {
    this.timeout(60_000); // a server start-up; slow when the shared machine is busy
    db = await privateDatabase();
    s = await startAuthServer({ DATABASE_URL: db.url });
    adminToken = await loginAs(s.url, 'admin', adminPassword);
    other = await userWithRole(s.url, adminToken, 'admin');
  });
  after(async () => {
    await s?.stop();
    await db?.drop();
  });

  const usableAdmins = async (token: string): Promise<string[]> => {
    const res = await api(s.url, 'GET', '/api/v1/admin/users?role=admin&status=active', { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data.map((u: { username: string }) => u.username).sort();
  };
  /** Both admins act on each other at once; exactly one may win. */
  async function race(
    act: (token: string, target: string) => Promise<{ status: number; body: any }>,
  ): Promise<'admin' | 'other'> {
    const [byAdmin, byOther] = await Promise.all([
      act(adminToken, other.username),
      act(other.accessToken, 'admin'),
    ]);
    const statuses = [byAdmin.status, byOther.status];
    assert.equal(statuses.filter((c) => c === 200).length, 1, `statuses ${statuses.join(', ')}`);
    const refused = byAdmin.status === 200 ? byOther : byAdmin;
    // 409 last admin, 403 no longer an admin, 401 when the winner's ban or deletion ended the session first.
    assert.ok([401, 403, 409].includes(refused.status), JSON.stringify(refused.body));
    return byAdmin.status === 200 ? 'admin' : 'other';
  }

  it('keeps one admin when two admins demote each other at the same moment', async function () {
    this.timeout(60_000);
    for (let round = 0; round < 6; round++) {
      const winner = await race((token, target) =>
        api(s.url, 'PATCH', `/api/v1/admin/users/${target}`, { token, body: { role: 'player' } }),
      );
      const survivor = winner === 'admin' ? adminToken : other.accessToken;
      const loser = winner === 'admin' ? other.username : 'admin';
      assert.equal((await usableAdmins(survivor)).length, 1, `round ${round}`);
      const back = await api(s.url, 'PATCH', `/api/v1/admin/users/${loser}`, {
        token: survivor,
        body: { role: 'admin' },
      });
      assert.equal(back.status, 200);
    }
  });

  it('keeps one usable admin when two admins ban each other at the same moment', async function () {
    this.timeout(60_000);
    for (let round = 0; round < 4; round++) {
      const winner = await race((token, target) =>
        api(s.url, 'POST', `/api/v1/admin/users/${target}/ban`, {
          token,
          body: { reason: 'race' },
        }),
      );
      const survivor = winner === 'admin' ? adminToken : other.accessToken;
      const loser = winner === 'admin' ? other.username : 'admin';
      assert.equal((await usableAdmins(survivor)).length, 1, `round ${round}`);
      assert.equal(
        (await api(s.url, 'POST', `/api/v1/admin/users/${loser}/unban`, { token: survivor }))
          .status,
        200,
      );
      // A ban ends the banned admin's sessions: sign in again.
      if (loser === 'admin') adminToken = await loginAs(s.url, 'admin', adminPassword);
      else other.accessToken = await loginAs(s.url, other.username, other.password);
    }
  });

  it('refuses an admin acting on their own account: edit, reset link, ban, delete', async () => {
    const self = 'admin';
    const attempts = [
      api(s.url, 'PATCH', `/api/v1/admin/users/${self}`, {
        token: adminToken,
        body: { displayName: 'Myself' },
      }),
      api(s.url, 'PATCH', `/api/v1/admin/users/${self}`, {
        token: adminToken,
        body: { role: 'player' },
      }),
      api(s.url, 'POST', `/api/v1/admin/users/${self}/password-reset`, { token: adminToken }),
      api(s.url, 'POST', `/api/v1/admin/users/${self}/ban`, {
        token: adminToken,
        body: { reason: 'self' },
      }),
      api(s.url, 'DELETE', `/api/v1/admin/users/${self}`, { token: adminToken }),
    ];
    for (const res of await Promise.all(attempts)) {
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(res.body.error.details.reason, 'SELF');
    }
    const me = await api(s.url, 'GET', '/api/v1/me', { token: adminToken });
    assert.notEqual(me.body.data.displayName, 'Myself');
    assert.equal(me.body.data.role, 'admin');
  });

  it('keeps one admin when two admins delete each other at the same moment', async function () {
    this.timeout(60_000);
    const winner = await race((token, target) =>
      api(s.url, 'DELETE', `/api/v1/admin/users/${target}`, { token }),
    );
    const survivor = winner === 'admin' ? adminToken : other.accessToken;
    assert.equal((await usableAdmins(survivor)).length, 1);
  });
});
