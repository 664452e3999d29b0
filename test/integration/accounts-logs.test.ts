// Greps everything the server logged during a full account flow for secrets.
import assert from 'node:assert/strict';
import { api, register, startAuthServer, adminPassword } from '../support/accounts.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('accounts: no secrets in logs', () => {
  const s = suiteServer(() => startAuthServer({ LOG_LEVEL: 'trace' }), 60_000);

  it('never logs passwords, tokens, reset tokens or Authorization headers', async () => {
    const u = await register(s.url);
    const secrets = [u.password, u.accessToken, u.refreshToken, adminPassword];
    const login = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: 'admin', password: adminPassword },
    });
    secrets.push(login.body.data.accessToken, login.body.data.refreshToken);
    await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: u.username, password: 'a-wrong-password-1' },
    });
    secrets.push('a-wrong-password-1');
    const refreshed = await api(s.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: u.refreshToken },
    });
    secrets.push(refreshed.body.data.accessToken, refreshed.body.data.refreshToken);
    await api(s.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: u.refreshToken } }); // reuse: logged as a warning
    const pat = await api(s.url, 'POST', '/api/v1/me/tokens', {
      token: login.body.data.accessToken,
      body: { name: 'log-test' },
    });
    secrets.push(pat.body.data.token);
    await api(s.url, 'GET', '/api/v1/me', { token: pat.body.data.token });
    await api(s.url, 'POST', '/api/v1/auth/password-reset/request', { body: { email: u.email } });
    await s.accounts.mailer.drain();
    const mail = await s.db('mail_outbox').where({ to_address: u.email }).first();
    const resetToken = /token=([\w-]+)/.exec(mail.body)![1]!;
    secrets.push(resetToken);
    await api(s.url, 'POST', '/api/v1/auth/password-reset/confirm', {
      body: { token: resetToken, password: 'after-reset-pass-9' },
    });
    secrets.push('after-reset-pass-9');
    const reset = await api(s.url, 'POST', `/api/v1/admin/users/${u.username}/password-reset`, {
      token: login.body.data.accessToken,
    });
    secrets.push(/token=([\w-]+)/.exec(reset.body.data.resetLink)![1]!);

    const text = s.logText();
    assert.ok(text.length > 1000, 'the flow was logged');
    for (const secret of secrets)
      assert.ok(!text.includes(secret), `a secret (${secret.slice(0, 6)}…) appears in the logs`);
    assert.doesNotMatch(text, /Bearer /);
    assert.doesNotMatch(text, /"authorization"\s*:\s*"(?!\[REDACTED\])/i);
    assert.doesNotMatch(text, /reset-password\?token=/);
  });
});
