// Walks the whole contract: every non-public route answers 401 without a token; staff routes answer 403 to a player.
import assert from 'node:assert/strict';
import { endpoints } from '../../api/contract/index.ts';
import type { Endpoint } from '../../api/contract/endpoint.ts';
import { register, startAuthServer, type Registered } from '../support/accounts.ts';
import { suiteServer } from '../support/suite-server.ts';

const sample: Record<string, string> = {
  username: 'someone',
  id: '00000000-0000-4000-8000-000000000000',
};
const pathOf = (e: Endpoint) =>
  e.path.replace(/\{(\w+)\}/g, (_, name: string) => sample[name] ?? 'x');

describe('accounts: authorization across the contract', () => {
  const s = suiteServer(() => startAuthServer(), 60_000);
  let player: Registered;
  before(async () => {
    player = await register(s.url);
  });

  const all = Object.values(endpoints as Record<string, Endpoint>);
  const guarded = all.filter((e) => e.auth !== 'public');
  const staff = all.filter((e) => e.auth === 'moderator' || e.auth === 'admin');

  it('covers the admin and user routes of this issue', () => {
    assert.ok(staff.length >= 9, `only ${staff.length} staff routes`);
    assert.ok(guarded.some((e) => e.id === 'me.get'));
  });

  it('answers 401 without a token on every non-public route', async () => {
    for (const e of guarded) {
      const res = await fetch(s.url + pathOf(e), { method: e.method });
      assert.equal(res.status, 401, `${e.method} ${e.path}`);
      const body = (await res.json()) as { error: { code: string } };
      assert.equal(body.error.code, 'UNAUTHENTICATED');
    }
  });

  it('answers 403 to a player on every moderator and admin route', async () => {
    for (const e of staff) {
      const res = await fetch(s.url + pathOf(e), {
        method: e.method,
        headers: { authorization: `Bearer ${player.accessToken}` },
      });
      assert.equal(res.status, 403, `${e.method} ${e.path}`);
    }
  });
});
