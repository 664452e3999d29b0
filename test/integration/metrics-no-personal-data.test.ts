// Metrics never carry personal data (docs/ARCHITECTURE.md rule 12): drive the
// API with real users — registrations, good and bad sign-ins by username and by
// email, refreshes, profile and admin lookups by username, raw paths with an
// email in them, WebSocket sessions, chat messages, a match played to the end,
// the matchmaking queue, a tournament with aliases — then read /metrics and
// prove that no label value is a username, email, id, token, password, alias
// or message text, and that routes are templates.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, register, type Registered } from '../support/accounts.ts';
import {
  joinAndReady,
  postMatch,
  quickSettings,
  startGameServer,
  untilPlaying,
} from '../support/games.ts';
import { connect } from '../support/ws-client.ts';
import { suiteServer } from '../support/suite-server.ts';

/** Every label value of an exposition, with the series it came from. */
function labelValues(exposition: string): { series: string; name: string; value: string }[] {
  const out: { series: string; name: string; value: string }[] = [];
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || !line.includes('{')) continue;
    const series = line.slice(0, line.indexOf('{'));
    for (const m of line
      .slice(line.indexOf('{'))
      .matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      out.push({ series, name: m[1]!, value: m[2]! });
  }
  return out;
}

describe('metrics carry no personal data', function () {
  this.timeout(120_000);
  const s = suiteServer(() => startGameServer(), 120_000);
  const users: Registered[] = [];

  it('after users sign up, sign in, fail, look each other up, chat, play, queue and enter a tournament', async () => {
    for (let i = 0; i < 3; i++) users.push(await register(s.url, 'pii'));
    const [alice, bob, carol] = users as [Registered, Registered, Registered];
    for (const login of [alice.username, alice.email]) {
      assert.equal(
        (
          await api(s.url, 'POST', '/api/v1/auth/login', {
            body: { login, password: alice.password },
          })
        ).status,
        200,
      );
      assert.equal(
        (
          await api(s.url, 'POST', '/api/v1/auth/login', {
            body: { login, password: 'wrong-password-1' },
          })
        ).status,
        401,
      );
    }
    await api(s.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: bob.refreshToken } });
    await api(s.url, 'GET', `/api/v1/users/${carol.username}`, { token: alice.accessToken });
    await api(s.url, 'GET', `/api/v1/admin/users/${carol.username}`, { token: bob.accessToken });
    await api(s.url, 'GET', `/api/v1/no-such-route/${encodeURIComponent(alice.email)}`);
    await api(s.url, 'POST', '/api/v1/auth/password-reset/request', { body: { email: bob.email } });
    const { client } = await connect(s.url, carol.accessToken);
    client.close();

    // Chat: a direct conversation with a message whose text must never become a label.
    const messageText = `meet me at ${randomUUID()}`;
    const conversation = await api(s.url, 'POST', '/api/v1/conversations/direct', {
      token: alice.accessToken,
      body: { username: bob.username },
    });
    const conversationId = conversation.body.data.id as string;
    assert.equal(
      (
        await api(s.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
          token: alice.accessToken,
          body: { body: messageText },
        })
      ).status,
      201,
    );

    // A match played to the end: bob holds "up" and concedes every point.
    const [a, b] = [
      { ...alice, ...(await connect(s.url, alice.accessToken)) },
      { ...bob, ...(await connect(s.url, bob.accessToken)) },
    ];
    const match = await postMatch(s, alice.accessToken, {
      opponent: bob.username,
      settings: quickSettings,
    });
    const matchId = match.body.data.id as string;
    assert.equal(
      (await api(s.url, 'POST', `/api/v1/matches/${matchId}/accept`, { token: bob.accessToken }))
        .status,
      200,
    );
    await joinAndReady(a, matchId);
    await joinAndReady(b, matchId);
    await untilPlaying(b.client);
    b.client.send({ type: 'game.input', matchId, seq: 1, dir: -1 });
    assert.equal((await a.client.next('game.end', 15_000)).winner, alice.username);

    // The matchmaking queue (carol needs an open socket) and a tournament entered under an alias.
    const queued = await connect(s.url, carol.accessToken);
    assert.equal(
      (
        await api(s.url, 'POST', '/api/v1/matchmaking/queue', {
          token: carol.accessToken,
          body: { mode: 'ranked' },
        })
      ).status,
      200,
    );
    await api(s.url, 'DELETE', '/api/v1/matchmaking/queue', { token: carol.accessToken });
    const alias = `Ace ${randomUUID().slice(0, 8)}`;
    const tournament = await api(s.url, 'POST', '/api/v1/tournaments', {
      token: alice.accessToken,
      body: { name: `Cup of ${alice.username}`, capacity: 4, format: 'single_elimination' },
    });
    const tournamentId = tournament.body.data.id as string;
    assert.equal(
      (
        await api(s.url, 'POST', `/api/v1/tournaments/${tournamentId}/register`, {
          token: bob.accessToken,
          body: { alias },
        })
      ).status,
      201,
    );
    for (const c of [a.client, b.client, queued.client]) c.close();

    const metrics = await api(s.metricsUrl, 'GET', '/metrics');
    assert.equal(metrics.status, 200);
    const text = String(metrics.body);
    const values = labelValues(text);
    assert.ok(
      values.some(
        (v) =>
          v.series === 'http_requests_total' &&
          v.name === 'route' &&
          v.value === '/api/v1/auth/login',
      ),
      'sign-ins were counted',
    );
    assert.ok(
      values.some(
        (v) =>
          v.series === 'game_matches_finished_total' &&
          v.name === 'outcome' &&
          v.value === 'completed',
      ),
      'the match was counted',
    );
    assert.ok(
      values.some(
        (v) =>
          v.series === 'http_requests_total' && v.value === '/api/v1/conversations/{id}/messages',
      ),
      'the message was counted by its route template',
    );
    assert.ok(
      values.some((v) => v.series === 'tournaments_active' && v.value === 'registration'),
      'the tournament was counted',
    );
    const secrets = [
      ...users.flatMap((u) => [
        u.username,
        u.email,
        u.id,
        u.password,
        u.accessToken,
        u.refreshToken,
      ]),
      messageText,
      matchId,
      tournamentId,
      alias,
    ];
    // Conversation ids are small integers: no label but a bucket bound or a version part
    // (nodejs_version_info's major/minor/patch) may BE one (a substring check would hit "v24.2").
    const numericLabels = new Set(['le', 'major', 'minor', 'patch']);
    const carrier = values.find((v) => v.value === conversationId && !numericLabels.has(v.name));
    assert.equal(carrier, undefined, `a label carries the conversation id ${conversationId}`);
    for (const v of values) {
      for (const secret of secrets) {
        assert.ok(
          !v.value.toLowerCase().includes(secret.toLowerCase()),
          `${v.series}{${v.name}="${v.value}"} carries personal data`,
        );
      }
    }
    for (const secret of secrets)
      assert.ok(!text.includes(secret), 'nowhere in the exposition either');
    const routes = new Set(values.filter((v) => v.name === 'route').map((v) => v.value));
    assert.ok(
      routes.has('(unmatched)'),
      'unknown paths are counted as (unmatched), not by their text',
    );
    assert.ok(
      [...routes].some((r) => r.includes('{username}')),
      'routes with a username are counted by their template',
    );
  });
});
