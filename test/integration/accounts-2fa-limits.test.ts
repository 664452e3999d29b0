/**
 * Guessing limits around 2FA and the current password: codes per challenge and
 * per account (entering the password again does not reset them), /me/2fa/disable
 * under the same limits, and a wrong current password on /me/password throttled
 * on a counter of its own, so the owner can still sign in.
 */
import assert from 'node:assert/strict';
import {
  challengeMaxFailures,
  secondFactorMaxFailures,
} from '../../api/domain/accounts/attempt-limits.ts';
import {
  api,
  assertRateLimited,
  register,
  startAuthServer,
  type Registered,
} from '../support/accounts.ts';
import { totp, wrongTotp } from '../support/totp.ts';
import { suiteServer } from '../support/suite-server.ts';

describe('accounts: 2FA and current-password guessing limits', () => {
  const s = suiteServer(() => startAuthServer({ AUTH_LOGIN_MAX_FAILURES: '5' }), 60_000);

  /** A new user with 2FA on, and its secret. */
  async function withTwoFactor(): Promise<Registered & { secret: string }> {
    const u = await register(s.url);
    const setup = await api(s.url, 'POST', '/api/v1/me/2fa/setup', { token: u.accessToken });
    const secret = setup.body.data.secret as string;
    const enabled = await api(s.url, 'POST', '/api/v1/me/2fa/enable', {
      token: u.accessToken,
      body: { code: totp(secret, s.clock.now()) },
    });
    assert.equal(enabled.status, 200);
    s.clock.advance(30_000); // the next code is a new step
    return { ...u, secret };
  }
  const challengeFor = async (u: Registered): Promise<string> => {
    const res = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: u.username, password: u.password },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.mfaRequired, true);
    return res.body.data.challengeToken as string;
  };
  const answer = (challengeToken: string, code: string) =>
    api(s.url, 'POST', '/api/v1/auth/login/mfa', { body: { challengeToken, code } });

  it('limits the codes tried on one sign-in challenge', async () => {
    const u = await withTwoFactor();
    const challenge = await challengeFor(u);
    for (let i = 0; i < challengeMaxFailures; i++)
      assert.equal((await answer(challenge, wrongTotp(u.secret, s.clock.now()))).status, 401);
    assertRateLimited(
      await answer(challenge, totp(u.secret, s.clock.now())),
      'a used-up challenge, even with the right code',
    );
    // The account is not locked by one spent challenge: a new one takes the right code.
    const next = await challengeFor(u);
    assert.equal((await answer(next, totp(u.secret, s.clock.now()))).status, 200);
  });

  it('limits codes per account across challenges; entering the password again resets nothing', async () => {
    const u = await withTwoFactor();
    let tried = 0;
    while (tried < secondFactorMaxFailures) {
      const challenge = await challengeFor(u); // the right password every time
      for (let i = 0; i < challengeMaxFailures - 1 && tried < secondFactorMaxFailures; i++, tried++)
        assert.equal((await answer(challenge, wrongTotp(u.secret, s.clock.now()))).status, 401);
    }
    const fresh = await challengeFor(u);
    const retry = assertRateLimited(
      await answer(fresh, totp(u.secret, s.clock.now())),
      'a fresh challenge after 10 wrong codes',
    );
    s.clock.advance(retry * 1000);
    const later = await challengeFor(u);
    assert.equal((await answer(later, totp(u.secret, s.clock.now()))).status, 200);
  });

  it('throttles wrong codes on /me/2fa/disable', async () => {
    const u = await withTwoFactor();
    const disable = (code: string) =>
      api(s.url, 'POST', '/api/v1/me/2fa/disable', {
        token: u.accessToken,
        body: { password: u.password, code },
      });
    for (let i = 0; i < secondFactorMaxFailures; i++) {
      const res = await disable(wrongTotp(u.secret, s.clock.now()));
      assert.equal(res.status, 400);
      assert.equal(res.body.error.details[0].path, 'body.code');
    }
    assertRateLimited(await disable(totp(u.secret, s.clock.now())), 'disable after 10 wrong codes');
  });

  it('throttles wrong passwords on /me/2fa/disable', async () => {
    const u = await withTwoFactor();
    for (let i = 0; i < 5; i++) {
      const res = await api(s.url, 'POST', '/api/v1/me/2fa/disable', {
        token: u.accessToken,
        body: { password: `not-it-${i}-pass`, code: totp(u.secret, s.clock.now()) },
      });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.details[0].path, 'body.password');
    }
    const res = await api(s.url, 'POST', '/api/v1/me/2fa/disable', {
      token: u.accessToken,
      body: { password: u.password, code: totp(u.secret, s.clock.now()) },
    });
    assertRateLimited(res, 'disable after 5 wrong passwords');
    assert.equal(typeof (await challengeFor(u)), 'string', 'sign-in still asks for the code');
  });

  it('throttles a wrong current password on /me/password without locking the owner out of sign-in', async () => {
    const u = await register(s.url);
    const change = (currentPassword: string) =>
      api(s.url, 'POST', '/api/v1/me/password', {
        token: u.accessToken,
        body: { currentPassword, newPassword: 'a-brand-new-pass-42' },
      });
    for (let i = 0; i < 5; i++) assert.equal((await change(`wrong-${i}-pass`)).status, 400);
    assertRateLimited(await change(u.password), 'password change after 5 wrong ones');
    const login = await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: u.username, password: u.password },
    });
    assert.equal(login.status, 200, JSON.stringify(login.body));
  });
});
