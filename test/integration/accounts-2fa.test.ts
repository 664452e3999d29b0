// 2FA with real RFC 6238 codes computed independently of the server's module.
import assert from 'node:assert/strict';
import { api, register, startAuthServer, type Registered } from '../support/accounts.ts';
import { totp } from '../support/totp.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('accounts: two-factor authentication', () => {
  const s = suiteServer(() => startAuthServer(), 60_000);
  let u: Registered;
  let secret: string;
  let recovery: string[];
  before(async () => {
    u = await register(s.url);
  });

  it('matches the RFC 6238 test vector', () => {
    // RFC 6238 appendix B, SHA-1 secret "12345678901234567890" at T = 59 s → 94287082 (8 digits) → 287082.
    const secretB32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    assert.equal(totp(secretB32, 59_000), '287082');
  });

  it('sets up a secret with an otpauth URI and enables 2FA with a code, returning 10 recovery codes', async () => {
    const setup = await api(s.url, 'POST', '/api/v1/me/2fa/setup', { token: u.accessToken });
    assert.equal(setup.status, 200);
    secret = setup.body.data.secret;
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.match(
      setup.body.data.otpauthUri,
      new RegExp(`^otpauth://totp/pongctl%3A${u.username}\\?secret=${secret}&issuer=pongctl`),
    );
    const bad = await api(s.url, 'POST', '/api/v1/me/2fa/enable', {
      token: u.accessToken,
      body: { code: '000000' === totp(secret, s.clock.now()) ? '111111' : '000000' },
    });
    assert.equal(bad.status, 400);
    const ok = await api(s.url, 'POST', '/api/v1/me/2fa/enable', {
      token: u.accessToken,
      body: { code: totp(secret, s.clock.now()) },
    });
    assert.equal(ok.status, 200);
    recovery = ok.body.data.recoveryCodes;
    assert.equal(recovery.length, 10);
    assert.equal(new Set(recovery).size, 10);
    assert.equal(
      (await api(s.url, 'GET', '/api/v1/me', { token: u.accessToken })).body.data.twoFactorEnabled,
      true,
    );
  });

  it('asks for a code at login and completes with a TOTP code within ±1 step, refusing a replay', async () => {
    const login = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: u.username, password: u.password },
    });
    assert.deepEqual(Object.keys(login.body.data).sort(), ['challengeToken', 'mfaRequired']);
    s.clock.advance(60_000);
    const code = totp(secret, s.clock.now() - 30_000); // the previous step still counts
    const done = await api(s.url, 'POST', '/api/v1/auth/login/mfa', {
      body: { challengeToken: login.body.data.challengeToken, code },
    });
    assert.equal(done.status, 200);
    assert.ok(done.body.data.accessToken);
    const replay = await api(s.url, 'POST', '/api/v1/auth/login/mfa', {
      body: { challengeToken: login.body.data.challengeToken, code },
    });
    assert.equal(replay.status, 401);
    const old = await api(s.url, 'POST', '/api/v1/auth/login/mfa', {
      body: {
        challengeToken: login.body.data.challengeToken,
        code: totp(secret, s.clock.now() - 90_000),
      },
    });
    assert.equal(old.status, 401);
  });

  it('accepts each recovery code once', async () => {
    const login = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: u.username, password: u.password },
    });
    const first = await api(s.url, 'POST', '/api/v1/auth/login/mfa', {
      body: { challengeToken: login.body.data.challengeToken, code: recovery[0]!.toUpperCase() },
    });
    assert.equal(first.status, 200);
    const again = await api(s.url, 'POST', '/api/v1/auth/login/mfa', {
      body: { challengeToken: login.body.data.challengeToken, code: recovery[0] },
    });
    assert.equal(again.status, 401);
  });

  it('refuses expired challenges', async () => {
    const login = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: u.username, password: u.password },
    });
    s.clock.advance(6 * 60_000);
    const res = await api(s.url, 'POST', '/api/v1/auth/login/mfa', {
      body: { challengeToken: login.body.data.challengeToken, code: totp(secret, s.clock.now()) },
    });
    assert.equal(res.status, 401);
  });

  it('counts verifications in auth_2fa_verifications_total', async () => {
    const metrics = await api(s.metricsUrl, 'GET', '/metrics');
    assert.match(metrics.body, /auth_2fa_verifications_total\{result="success"\} [1-9]/);
    assert.match(metrics.body, /auth_2fa_verifications_total\{result="failure"\} [1-9]/);
  });

  it('disables 2FA only with the password and a current code', async () => {
    s.clock.advance(60_000);
    const wrong = await api(s.url, 'POST', '/api/v1/me/2fa/disable', {
      token: u.accessToken,
      body: { password: 'not-it-at-all', code: totp(secret, s.clock.now()) },
    });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.details[0].path, 'body.password');
    const ok = await api(s.url, 'POST', '/api/v1/me/2fa/disable', {
      token: u.accessToken,
      body: { password: u.password, code: totp(secret, s.clock.now()) },
    });
    assert.equal(ok.status, 200);
    const login = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: u.username, password: u.password },
    });
    assert.ok(login.body.data.accessToken);
  });
});
