/**
 * The password-reset page in a real browser: headless Chromium (Debian's
 * `chromium`, driven by playwright-core over the DevTools protocol) opens
 * the link from the reset mail, submits a new password, and the account
 * then signs in with it. The page loads nothing but itself, keeps its CSP
 * (a violation would stop its script), and drops the token from the
 * address bar.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { adminPassword, api, loginAs, register } from '../support/accounts.ts';
import { startAuthServer, type AuthTestServer } from '../support/accounts.ts';

const executablePath = '/usr/bin/chromium';

describe('the password-reset page in headless Chromium', function () {
  this.timeout(180_000);
  let s: AuthTestServer;
  let browser: BrowserContext | undefined;
  let profile: string;

  before(async function () {
    if (!existsSync(executablePath)) this.skip();
    this.timeout(180_000);
    s = await startAuthServer();
    profile = mkdtempSync(path.join(os.tmpdir(), 'pongctl-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      timeout: 60_000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await s?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** The reset link mailed to `email`, read from the outbox as an operator without SMTP does. */
  async function resetLink(email: string): Promise<URL> {
    const admin = await loginAs(s.url, 'admin', adminPassword);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const mail = await api(s.url, 'GET', `/api/v1/admin/mail?to=${encodeURIComponent(email)}`, {
        token: admin,
      });
      assert.equal(mail.status, 200, JSON.stringify(mail.body));
      const link = /https?:\/\/\S+\/reset-password\?token=\S+/.exec(
        mail.body.data.map((m: { body: string }) => m.body).join('\n'),
      )?.[0];
      if (link) {
        // The server listens on a port picked at start; PUBLIC_URL defaults to the configured one (0).
        const url = new URL(link);
        return new URL(`${url.pathname}${url.search}`, s.url);
      }
      assert.ok(Date.now() < deadline, 'the reset mail reached the outbox');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('opens the mailed link, sets a new password, and the account signs in with it', async () => {
    const user = await register(s.url, 'rp');
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/auth/password-reset/request', {
          body: { email: user.email },
        })
      ).status,
      202,
    );
    const link = await resetLink(user.email);
    const page = await browser!.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));

    const response = await page.goto(link.toString());
    assert.equal(response?.status(), 200);
    const csp = (await response!.allHeaders())['content-security-policy'] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-[^']+'(;|$)/, 'only the page’s own script, by hash');
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.equal(new URL(page.url()).search, '', 'the token left the address bar');

    const password = 'Brand-New-Secret-77';
    await page.fill('input[name=password]', password);
    await page.fill('input[name=confirm]', `${password}x`);
    await page.click('button[type=submit]');
    await page.waitForSelector('text=The two passwords differ', { timeout: 10_000 });

    await page.fill('input[name=confirm]', password);
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Your password has been changed', { timeout: 30_000 });
    assert.deepEqual(problems, [], 'no script errors or CSP violations');
    assert.ok(
      requests.every((u) => new URL(u).origin === new URL(s.url).origin),
      `nothing loaded from elsewhere: ${requests.join(', ')}`,
    );
    assert.ok(
      requests.some((u) => u.endsWith('/api/v1/auth/password-reset/confirm')),
      'the form posted to the confirm endpoint',
    );

    const signIn = (pw: string) =>
      api(s.url, 'POST', '/api/v1/auth/login', { body: { login: user.username, password: pw } });
    assert.equal((await signIn(password)).status, 200, 'the new password signs in');
    assert.equal((await signIn(user.password)).status, 401, 'the old one no longer does');

    // The link is single use: the page says so instead of changing anything.
    await page.goto(link.toString());
    await page.fill('input[name=password]', 'Another-Secret-pw-78');
    await page.fill('input[name=confirm]', 'Another-Secret-pw-78');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=invalid, used or expired', { timeout: 30_000 });
    await page.close();
  });

  it('a link without a token says so and shows no form', async () => {
    const page = await browser!.newPage();
    await page.goto(new URL('/reset-password', s.url).toString());
    await page.waitForSelector('text=This link has no reset token');
    assert.equal(await page.isVisible('form'), false);
    await page.close();
  });
});
