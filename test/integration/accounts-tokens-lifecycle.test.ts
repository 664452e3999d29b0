/**
 * Personal access tokens end with the password: a reset revokes all of them,
 * a change too unless the request keeps them; a token cannot sign its owner
 * out everywhere; and a user holds at most 50, also under parallel requests.
 */
import assert from 'node:assert/strict';
import { maxTokensPerUser } from '../../api/domain/accounts/profile.ts';
import { api, loginAs, register, startAuthServer, type Registered } from '../support/accounts.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('accounts: personal access tokens and the password', () => {
  const s = suiteServer(() => startAuthServer(), 60_000);

  const createToken = (u: Registered, name: string) =>
    api(s.url, 'POST', '/api/v1/me/tokens', { token: u.accessToken, body: { name } });
  /** A new token, already used once (so the server has it cached). */
  async function usedToken(u: Registered, name: string): Promise<string> {
    const created = await createToken(u, name);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const token = created.body.data.token as string;
    assert.equal((await api(s.url, 'GET', '/api/v1/me', { token })).status, 200);
    return token;
  }
  const meWith = async (token: string) => (await api(s.url, 'GET', '/api/v1/me', { token })).status;

  it('revokes every token when the password is reset', async () => {
    const u = await register(s.url);
    const tokens = [await usedToken(u, 'ci'), await usedToken(u, 'backup')];
    await api(s.url, 'POST', '/api/v1/auth/password-reset/request', { body: { email: u.email } });
    await s.accounts.mailer.drain();
    const mail = await s.db('mail_outbox').where({ to_address: u.email }).first();
    const resetToken = /token=([\w-]+)/.exec(mail.body)![1]!;
    const reset = await api(s.url, 'POST', '/api/v1/auth/password-reset/confirm', {
      body: { token: resetToken, password: 'after-reset-pass-51' },
    });
    assert.equal(reset.status, 200);
    for (const token of tokens) assert.equal(await meWith(token), 401);
    const session = await loginAs(s.url, u.username, 'after-reset-pass-51');
    const list = await api(s.url, 'GET', '/api/v1/me/tokens', { token: session });
    assert.deepEqual(list.body.data, []);
  });

  it('revokes every token on a password change unless keepTokens is set', async () => {
    const u = await register(s.url);
    const first = await usedToken(u, 'deploy');
    const change = await api(s.url, 'POST', '/api/v1/me/password', {
      token: u.accessToken,
      body: { currentPassword: u.password, newPassword: 'changed-once-pass-61' },
    });
    assert.equal(change.status, 200);
    assert.deepEqual(change.body.data, { revokedSessions: 0, revokedTokens: 1 });
    assert.equal(await meWith(first), 401);
    const second = await usedToken(u, 'deploy-2');
    const keep = await api(s.url, 'POST', '/api/v1/me/password', {
      token: u.accessToken,
      body: {
        currentPassword: 'changed-once-pass-61',
        newPassword: 'changed-twice-pass-62',
        keepTokens: true,
      },
    });
    assert.equal(keep.status, 200);
    assert.deepEqual(keep.body.data, { revokedSessions: 0, revokedTokens: 0 });
    assert.equal(await meWith(second), 200);
  });

  it('refuses logout-all with a personal access token, and the sessions stay', async () => {
    const u = await register(s.url);
    const pat = await usedToken(u, 'script');
    const res = await api(s.url, 'POST', '/api/v1/auth/logout-all', { token: pat });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.details.reason, 'SESSION_REQUIRED');
    assert.equal(await meWith(u.accessToken), 200);
    assert.equal(await meWith(pat), 200);
  });

  it(`holds at most ${maxTokensPerUser} tokens per user, also under parallel requests`, async function () {
    this.timeout(60_000);
    const u = await register(s.url);
    for (let i = 0; i < maxTokensPerUser - 5; i++)
      assert.equal((await createToken(u, `t${i}`)).status, 201);
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createToken(u, `burst${i}`)),
    );
    const statuses = burst.map((r) => r.status).sort();
    assert.deepEqual(statuses, [...Array(5).fill(201), ...Array(5).fill(409)]);
    const refused = burst.find((r) => r.status === 409)!;
    assert.equal(refused.body.error.code, 'CONFLICT');
    assert.match(refused.body.error.message, /50 personal access tokens.*revoke one/);
    const list = await api(s.url, 'GET', '/api/v1/me/tokens?limit=100', { token: u.accessToken });
    assert.equal(list.body.data.length, maxTokensPerUser);
    const revoked = await api(s.url, 'DELETE', `/api/v1/me/tokens/${list.body.data[0].id}`, {
      token: u.accessToken,
    });
    assert.equal(revoked.status, 200);
    assert.equal((await createToken(u, 'after-revoke')).status, 201);
  });
});
