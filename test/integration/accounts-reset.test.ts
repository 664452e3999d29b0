// Password reset: 202 for any address, outbox delivery, single use, expiry on an injected clock.
import assert from 'node:assert/strict';
import {
  adminPassword,
  api,
  loginAs,
  register,
  startAuthServer,
  type AuthTestServer,
} from '../support/accounts.ts';
import { suiteServer } from '../support/suite-server.ts';

async function lastMailTo(
  s: AuthTestServer,
  to: string,
): Promise<{ body: string; transport: string } | undefined> {
  await s.accounts.mailer.drain();
  return s.db('mail_outbox').where({ to_address: to }).orderBy('id', 'desc').first();
}

const tokenIn = (body: string) => /token=([\w-]+)/.exec(body)?.[1];

describe('accounts: password reset', () => {
  const s = suiteServer(() => startAuthServer({ PUBLIC_URL: 'https://pong.example.test' }), 60_000);

  it('answers 202 for unknown and known addresses alike, and mails a link only to the known one', async () => {
    const u = await register(s.url);
    const unknown = await api(s.url, 'POST', '/api/v1/auth/password-reset/request', {
      body: { email: 'nobody@example.test' },
    });
    const known = await api(s.url, 'POST', '/api/v1/auth/password-reset/request', {
      body: { email: u.email.toUpperCase() },
    });
    assert.equal(unknown.status, 202);
    assert.equal(known.status, 202);
    assert.deepEqual(unknown.body, known.body);
    assert.equal(await lastMailTo(s, 'nobody@example.test'), undefined);
    const mail = await lastMailTo(s, u.email);
    assert.equal(mail?.transport, 'outbox');
    assert.match(mail!.body, /https:\/\/pong\.example\.test\/reset-password\?token=[\w-]{43}/);
    assert.ok(s.logText().includes('mail written to the outbox'));
  });

  it('sets the password once, revokes every session, and refuses the token a second time', async () => {
    const u = await register(s.url);
    await api(s.url, 'POST', '/api/v1/auth/password-reset/request', { body: { email: u.email } });
    const token = tokenIn((await lastMailTo(s, u.email))!.body)!;
    const weak = await api(s.url, 'POST', '/api/v1/auth/password-reset/confirm', {
      body: { token, password: 'qwerty123' },
    });
    assert.equal(weak.status, 400);
    const ok = await api(s.url, 'POST', '/api/v1/auth/password-reset/confirm', {
      body: { token, password: 'brand-new-pass-77' },
    });
    assert.equal(ok.status, 200);
    assert.equal((await api(s.url, 'GET', '/api/v1/me', { token: u.accessToken })).status, 401);
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/auth/login', {
          body: { login: u.username, password: u.password },
        })
      ).status,
      401,
    );
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/auth/login', {
          body: { login: u.username, password: 'brand-new-pass-77' },
        })
      ).status,
      200,
    );
    const again = await api(s.url, 'POST', '/api/v1/auth/password-reset/confirm', {
      body: { token, password: 'another-new-pass-88' },
    });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.details[0].path, 'body.token');
  });

  it('expires tokens after 30 minutes', async () => {
    const u = await register(s.url);
    await api(s.url, 'POST', '/api/v1/auth/password-reset/request', { body: { email: u.email } });
    const token = tokenIn((await lastMailTo(s, u.email))!.body)!;
    s.clock.advance(30 * 60_000 + 1);
    const res = await api(s.url, 'POST', '/api/v1/auth/password-reset/confirm', {
      body: { token, password: 'too-late-pass-99' },
    });
    assert.equal(res.status, 400);
  });

  it('lets an admin issue a link for a user', async () => {
    const u = await register(s.url);
    const admin = await loginAs(s.url, 'admin', adminPassword);
    const res = await api(s.url, 'POST', `/api/v1/admin/users/${u.username}/password-reset`, {
      token: admin,
    });
    assert.equal(res.status, 200);
    const token = tokenIn(res.body.data.resetLink)!;
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/auth/password-reset/confirm', {
          body: { token, password: 'admin-given-pass-1' },
        })
      ).status,
      200,
    );
  });

  it('counts a failing SMTP delivery without failing the request', async function () {
    this.timeout(60_000);
    const smtp = await startAuthServer({ SMTP_URL: 'smtp://127.0.0.1:1' });
    try {
      const u = await register(smtp.url);
      const res = await api(smtp.url, 'POST', '/api/v1/auth/password-reset/request', {
        body: { email: u.email },
      });
      assert.equal(res.status, 202);
      const mail = await lastMailTo(smtp, u.email);
      assert.equal(mail?.transport, 'smtp');
      const metrics = await api(smtp.metricsUrl, 'GET', '/metrics');
      assert.match(metrics.body, /mail_sent_total\{transport="smtp",result="error"\} 1/);
    } finally {
      await smtp.stop();
    }
  });
});
