// Admin user management: roles, ban/unban, anonymising delete, creation with a reset link, and the audit trail.
import assert from 'node:assert/strict';
import {
  adminPassword,
  api,
  loginAs,
  register,
  startAuthServer,
  uniqueName,
  userWithRole,
  type Registered,
} from '../support/accounts.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('accounts: admin user management', () => {
  const s = suiteServer(() => startAuthServer(), 60_000);
  let admin: string;
  let moderator: Registered;
  before(async () => {
    admin = await loginAs(s.url, 'admin', adminPassword);
    moderator = await userWithRole(s.url, admin, 'moderator');
    moderator.accessToken = await loginAs(s.url, moderator.username, moderator.password);
  });

  it('lists users with role and query filters, paginated', async () => {
    const res = await api(
      s.url,
      'GET',
      `/api/v1/admin/users?role=moderator&q=${moderator.username}`,
      { token: moderator.accessToken },
    );
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.data.map((u: { username: string }) => u.username),
      [moderator.username],
    );
    assert.equal(res.body.data[0].email, moderator.email);
    const page = await api(s.url, 'GET', '/api/v1/admin/users?limit=1', { token: admin });
    assert.equal(page.body.data.length, 1);
    assert.ok(page.body.meta.nextCursor);
    const bad = await api(s.url, 'GET', '/api/v1/admin/users?role=king', { token: admin });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'query.role');
  });

  it('creates users with a password, or without one and hands back a reset link', async () => {
    const name = uniqueName('New');
    const withPw = await api(s.url, 'POST', '/api/v1/admin/users', {
      token: admin,
      body: {
        username: name,
        email: `${name}@example.test`,
        password: 'created-pass-55x',
        role: 'moderator',
      },
    });
    assert.equal(withPw.status, 201);
    assert.equal(withPw.body.data.user.role, 'moderator');
    assert.equal(withPw.body.data.resetLink, null);
    const clash = await api(s.url, 'POST', '/api/v1/admin/users', {
      token: admin,
      body: { username: name.toUpperCase(), email: `x${name}@example.test`, role: 'player' },
    });
    assert.equal(clash.status, 409);
    const other = uniqueName('Nopw');
    const noPw = await api(s.url, 'POST', '/api/v1/admin/users', {
      token: admin,
      body: { username: other, email: `${other}@example.test`, role: 'player' },
    });
    assert.match(noPw.body.data.resetLink, /\/reset-password\?token=/);
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/admin/users', {
          token: moderator.accessToken,
          body: { username: uniqueName(), email: 'm@example.test' },
        })
      ).status,
      403,
    );
  });

  it('changes roles, and never demotes the last admin or the caller', async () => {
    const p = await register(s.url);
    const res = await api(s.url, 'PATCH', `/api/v1/admin/users/${p.username}`, {
      token: admin,
      body: { role: 'moderator', displayName: 'Mod' },
    });
    assert.equal(res.body.data.role, 'moderator');
    // The role change applies to existing tokens at once.
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/admin/users', { token: p.accessToken })).status,
      200,
    );
    const self = await api(s.url, 'PATCH', '/api/v1/admin/users/admin', {
      token: admin,
      body: { role: 'player' },
    });
    assert.equal(self.status, 403);
    assert.equal(
      (
        await api(s.url, 'PATCH', '/api/v1/admin/users/nobody-at-all', {
          token: admin,
          body: { bio: 'x' },
        })
      ).status,
      400,
    );
    assert.equal(
      (
        await api(s.url, 'PATCH', '/api/v1/admin/users/nobody-at-all', {
          token: admin,
          body: { displayName: 'x' },
        })
      ).status,
      404,
    );
  });

  it('bans with a reason and an end: sessions end, login answers 403 BANNED, tokens too; unban restores', async () => {
    const p = await register(s.url);
    const pat = (
      await api(s.url, 'POST', '/api/v1/me/tokens', { token: p.accessToken, body: { name: 'bot' } })
    ).body.data.token;
    const until = new Date(s.clock.now() + 7 * 86_400_000).toISOString();
    const ban = await api(s.url, 'POST', `/api/v1/admin/users/${p.username}/ban`, {
      token: moderator.accessToken,
      body: { reason: 'smurfing', until },
    });
    assert.equal(ban.status, 200);
    assert.equal(ban.body.data.status, 'banned');
    assert.equal((await api(s.url, 'GET', '/api/v1/me', { token: p.accessToken })).status, 401);
    const login = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: p.username, password: p.password },
    });
    assert.equal(login.status, 403);
    assert.equal(login.body.error.code, 'FORBIDDEN');
    assert.deepEqual(login.body.error.details, { reason: 'BANNED', until, banReason: 'smurfing' });
    const viaPat = await api(s.url, 'GET', '/api/v1/me', { token: pat });
    assert.equal(viaPat.status, 403);
    assert.equal(viaPat.body.error.details.reason, 'BANNED');
    const banned = await api(s.url, 'GET', '/api/v1/admin/users?status=banned&limit=100', {
      token: admin,
    });
    assert.ok(banned.body.data.some((u: { username: string }) => u.username === p.username));
    // A moderator cannot ban staff; nobody bans themselves; the end must be in the future.
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/admin/users/admin/ban', {
          token: moderator.accessToken,
          body: { reason: 'x' },
        })
      ).status,
      403,
    );
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/admin/users/admin/ban', {
          token: admin,
          body: { reason: 'x' },
        })
      ).status,
      403,
    );
    assert.equal(
      (
        await api(s.url, 'POST', `/api/v1/admin/users/${p.username}/ban`, {
          token: admin,
          body: { reason: 'x', until: '2001-01-01T00:00:00Z' },
        })
      ).status,
      400,
    );
    const unban = await api(s.url, 'POST', `/api/v1/admin/users/${p.username}/unban`, {
      token: moderator.accessToken,
    });
    assert.equal(unban.body.data.status, 'active');
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/auth/login', {
          body: { login: p.username, password: p.password },
        })
      ).status,
      200,
    );
    assert.equal((await api(s.url, 'GET', '/api/v1/me', { token: pat })).status, 200);
  });

  it('lets a timed ban lapse on its own', async () => {
    const p = await register(s.url);
    const until = new Date(s.clock.now() + 3_600_000).toISOString();
    await api(s.url, 'POST', `/api/v1/admin/users/${p.username}/ban`, {
      token: admin,
      body: { reason: 'cool down', until },
    });
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/auth/login', {
          body: { login: p.username, password: p.password },
        })
      ).status,
      403,
    );
    s.clock.advance(3_600_001);
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/auth/login', {
          body: { login: p.username, password: p.password },
        })
      ).status,
      200,
    );
    admin = await loginAs(s.url, 'admin', adminPassword);
    moderator.accessToken = await loginAs(s.url, moderator.username, moderator.password);
  });

  it('deletes by anonymising: personal fields erased, name tombstoned, credentials gone', async () => {
    const p = await register(s.url);
    const del = await api(s.url, 'DELETE', `/api/v1/admin/users/${p.username}`, { token: admin });
    assert.equal(del.status, 200);
    assert.match(del.body.data.username, /^deleted-[0-9a-f]{8}$/);
    assert.equal(del.body.data.email, null);
    assert.equal(del.body.data.status, 'deleted');
    assert.equal(del.body.data.id, p.id);
    assert.equal((await api(s.url, 'GET', '/api/v1/me', { token: p.accessToken })).status, 401);
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/auth/login', {
          body: { login: p.email, password: p.password },
        })
      ).status,
      401,
    );
    assert.equal(
      (await api(s.url, 'GET', `/api/v1/users/${p.username}`, { token: admin })).status,
      404,
    );
    // The name is free again.
    const again = await api(s.url, 'POST', '/api/v1/auth/register', {
      body: { username: p.username, email: p.email, password: 'fresh-start-pass-1' },
    });
    assert.equal(again.status, 201);
    assert.equal(
      (
        await api(s.url, 'DELETE', `/api/v1/admin/users/${p.username}`, {
          token: moderator.accessToken,
        })
      ).status,
      403,
    );
  });

  it('records every admin action in the audit log, filterable and paginated', async () => {
    const p = await register(s.url);
    const requestId = 'audit-test-request-1';
    await api(s.url, 'POST', `/api/v1/admin/users/${p.username}/ban`, {
      token: admin,
      body: { reason: 'audit me' },
      headers: { 'x-request-id': requestId },
    });
    await api(s.url, 'POST', `/api/v1/admin/users/${p.username}/unban`, { token: admin });
    const res = await api(
      s.url,
      'GET',
      `/api/v1/admin/audit?actor=ADMIN&action=user.ban&since=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`,
      { token: admin },
    );
    assert.equal(res.status, 200);
    const entry = res.body.data.find(
      (e: { target: string }) => e.target === p.username.toLowerCase(),
    );
    assert.ok(entry, JSON.stringify(res.body.data));
    assert.equal(entry.actor, 'admin');
    assert.equal(entry.requestId, requestId);
    assert.deepEqual(entry.details, { reason: 'audit me', until: null });
    const page1 = await api(s.url, 'GET', '/api/v1/admin/audit?limit=2', { token: admin });
    const page2 = await api(
      s.url,
      'GET',
      `/api/v1/admin/audit?limit=2&cursor=${page1.body.meta.nextCursor}`,
      { token: admin },
    );
    assert.equal(page1.body.data.length, 2);
    assert.ok(Number(page2.body.data[0].id) < Number(page1.body.data[1].id));
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/admin/audit', { token: moderator.accessToken })).status,
      403,
    );
    const logged = s
      .logText()
      .split('\n')
      .filter((l) => l.includes('"pong.audit"') && l.includes('user.ban'));
    assert.ok(logged.length > 0);
    assert.ok(!logged.some((l) => l.includes(p.username)), 'usernames stay out of audit log lines');
  });
});
