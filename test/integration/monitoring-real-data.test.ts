// The alert rules and dashboards read what a running API really produces, not
// only the synthetic series of their promtool tests: after real activity (users,
// sockets, a chat message, a match played to the end, the matchmaking queue, a
// tournament), every API metric a rule or panel names is in /metrics, and every
// label it filters or groups by is on that metric's series; every SQL panel and
// variable of the PostgreSQL dashboards runs as the grafana_reader role, Grafana's
// macros expanded as Grafana expands them, and finds the match that was played.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { contractSeriesNames, defaultMetricPrefixes } from '../../api/contract/metrics.ts';
import { opsPaths } from '../../ops/prometheus/paths.ts';
import { promqlParts } from '../../ops/prometheus/promql-names.ts';
import { loadRuleFiles, recordedNames } from '../../ops/prometheus/rule-files.ts';
import { api } from '../support/accounts.ts';
import {
  joinAndReady,
  player,
  postMatch,
  quickSettings,
  startGameServer,
  untilPlaying,
  type Player,
} from '../support/games.ts';
import { suiteServer } from '../support/suite-server.ts';

interface Panel {
  title?: string;
  targets?: { expr?: string; rawSql?: string }[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating?: { list: { name: string; query?: string | { query?: string } }[] };
}

const dashboardsDir = path.join(import.meta.dirname, '../../ops/grafana/dashboards');
const dashboards: Dashboard[] = readdirSync(dashboardsDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(dashboardsDir, f), 'utf8')) as Dashboard);

function* allPanels(panels: Panel[]): Generator<Panel> {
  for (const p of panels) {
    yield p;
    yield* allPanels(p.panels ?? []);
  }
}

/** Every PromQL expression of the rules and the dashboards, with where it comes from. */
function expressions(): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const file of loadRuleFiles(opsPaths.rulesDir)) {
    for (const group of file.content.groups)
      for (const rule of group.rules)
        out.push({
          where: `${file.name}: ${'alert' in rule ? rule.alert : rule.record}`,
          expr: rule.expr,
        });
  }
  for (const d of dashboards)
    for (const p of allPanels(d.panels))
      for (const t of p.targets ?? [])
        if (t.expr) out.push({ where: `${d.uid}: ${p.title}`, expr: t.expr });
  return out;
}

/** Label names used in matchers right after a metric name: `m{a="x", b=~"y"}` → m: [a, b]. */
function matcherLabels(expr: string): { metric: string; label: string }[] {
  const out: { metric: string; label: string }[] = [];
  for (const m of expr.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\{([^}]*)\}/g)) {
    for (const l of m[2]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/g))
      out.push({ metric: m[1]!, label: l[1]! });
  }
  return out;
}

interface Exposed {
  /** Label names seen on its samples. */
  labels: Set<string>;
  samples: number;
}

/** Every sample name of an exposition (registered histograms with their _bucket/_sum/_count), with its labels. */
function exposed(text: string): Map<string, Exposed> {
  const out = new Map<string, Exposed>();
  const entry = (name: string) =>
    out.get(name) ?? out.set(name, { labels: new Set(), samples: 0 }).get(name)!;
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      for (const name of type[2] === 'histogram'
        ? ['_bucket', '_sum', '_count'].map((x) => type[1] + x)
        : [type[1]!])
        entry(name);
      continue;
    }
    const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{[^}]*\})?\s/.exec(line);
    if (!sample) continue;
    const e = entry(sample[1]!);
    e.samples++;
    for (const l of (sample[2] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)="/g)) e.labels.add(l[1]!);
  }
  return out;
}

const contract = contractSeriesNames();
const fromApi = (metric: string) =>
  contract.has(metric) || defaultMetricPrefixes.some((p) => metric.startsWith(p));
/** Labels Prometheus adds at scrape time, and the bucket label histogram_quantile groups by. */
const scrapeLabels = new Set(['instance', 'job', 'le']);

/**
 * Grafana's PostgreSQL macros as Grafana expands them (the time range: the last 7 days),
 * and the dashboard variables; an unknown macro fails the test rather than reaching SQL.
 */
function expandSql(sql: string, variables: Record<string, string>): string {
  const from = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  const seconds = (interval: string) => {
    const m = /^(\d+)([smhd])$/.exec(interval.trim().replace(/^'|'$/g, ''));
    if (!m) throw new Error(`interval ${interval}`);
    return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  };
  const expansions: Record<string, (args: string[]) => string> = {
    timeFilter: ([col]) => `${col} BETWEEN '${from}' AND '${to}'`,
    timeGroupAlias: ([col, i]) =>
      `floor(extract(epoch from ${col})/${seconds(i!)})*${seconds(i!)} AS "time"`,
    timeGroup: ([col, i]) => `floor(extract(epoch from ${col})/${seconds(i!)})*${seconds(i!)}`,
    timeFrom: () => `'${from}'`,
    timeTo: () => `'${to}'`,
  };
  let out = sql;
  for (let at = out.search(/\$__\w+\(/); at >= 0; at = out.search(/\$__\w+\(/)) {
    const name = /^\$__(\w+)\(/.exec(out.slice(at))![1]!;
    // Arguments up to the matching parenthesis (they may hold calls: coalesce(a, b)), split at top-level commas.
    const args: string[] = [''];
    let depth = 0;
    let end = at + name.length + 4;
    for (; end < out.length; end++) {
      const ch = out[end]!;
      if (ch === ')' && depth === 0) break;
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      if (ch === ',' && depth === 0) args.push('');
      else args[args.length - 1] += ch;
    }
    const expand = expansions[name];
    if (!expand) assert.fail(`a Grafana macro this test does not know: $__${name}`);
    out = out.slice(0, at) + expand(args.map((a) => a.trim())) + out.slice(end + 1);
  }
  assert.doesNotMatch(out, /\$__/, `a Grafana macro this test does not know: ${out}`);
  for (const [name, value] of Object.entries(variables))
    out = out.replaceAll(`$${name}`, value).replaceAll(`\${${name}}`, value);
  assert.doesNotMatch(out, /\$\{?[A-Za-z_]/, `an unset dashboard variable: ${out}`);
  return out;
}

/** db_query_duration_seconds_count per operation. */
function queryCounts(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^db_query_duration_seconds_count\{operation="([^"]+)"\} (\S+)$/gm))
    out.set(m[1]!, Number(m[2]));
  return out;
}

describe('monitoring reads real data', function () {
  this.timeout(120_000);
  const s = suiteServer(() => startGameServer(), 120_000);
  let winner: Player;
  let matchId: string;
  let queriesBefore: Map<string, number>;

  before(async () => {
    queriesBefore = queryCounts(String((await api(s.metricsUrl, 'GET', '/metrics')).body));
    // Real activity: sign-ins (one failed), sockets, a message, a match to the end, the queue, a tournament.
    const [a, b, c] = [await player(s, 'mo'), await player(s, 'mo'), await player(s, 'mo')];
    await api(s.url, 'POST', '/api/v1/auth/login', {
      body: { login: a.username, password: 'not-the-password' },
    });
    const conversation = await api(s.url, 'POST', '/api/v1/conversations/direct', {
      token: a.accessToken,
      body: { username: b.username },
    });
    await api(s.url, 'POST', `/api/v1/conversations/${conversation.body.data.id}/messages`, {
      token: a.accessToken,
      body: { body: 'gg' },
    });
    const match = await postMatch(s, a.accessToken, {
      opponent: b.username,
      settings: quickSettings,
    });
    matchId = match.body.data.id as string;
    await api(s.url, 'POST', `/api/v1/matches/${matchId}/accept`, { token: b.accessToken });
    await joinAndReady(a, matchId);
    await joinAndReady(b, matchId);
    await untilPlaying(b.client);
    b.client.send({ type: 'game.input', matchId, seq: 1, dir: -1 });
    await a.client.next('game.end', 15_000);
    winner = a;
    await api(s.url, 'POST', '/api/v1/matchmaking/queue', {
      token: c.accessToken,
      body: { mode: 'casual' },
    });
    await api(s.url, 'DELETE', '/api/v1/matchmaking/queue', { token: c.accessToken });
    await api(s.url, 'POST', '/api/v1/tournaments', {
      token: c.accessToken,
      body: { name: 'Monitoring cup', capacity: 4, format: 'single_elimination' },
    });
    for (const p of [a, b, c]) p.client.close();
  });

  it('every API metric a rule or panel names is exposed, with the labels it filters and groups by', async () => {
    const series = exposed(String((await api(s.metricsUrl, 'GET', '/metrics')).body));
    const recorded = new Set(recordedNames(loadRuleFiles(opsPaths.rulesDir)));
    const problems: string[] = [];
    let checked = 0;
    for (const { where, expr } of expressions()) {
      const { metrics, groupingLabels } = promqlParts(expr);
      const ours = metrics.filter((m) => fromApi(m) && !recorded.has(m));
      for (const metric of ours) {
        checked++;
        if (!series.has(metric)) problems.push(`${where}: ${metric} is not in /metrics`);
      }
      for (const { metric, label } of matcherLabels(expr)) {
        const e = series.get(metric);
        if (
          fromApi(metric) &&
          e &&
          e.samples > 0 &&
          !e.labels.has(label) &&
          !scrapeLabels.has(label)
        )
          problems.push(`${where}: ${metric} has no label ${label}`);
      }
      // A grouping label must be on some metric of the expression, when every metric is ours and has samples to look at.
      const sampled = ours
        .map((m) => series.get(m))
        .filter((e): e is Exposed => !!e && e.samples > 0);
      if (sampled.length === 0 || sampled.length < metrics.filter((m) => !recorded.has(m)).length)
        continue;
      for (const label of groupingLabels) {
        if (!scrapeLabels.has(label) && !sampled.some((e) => e.labels.has(label)))
          problems.push(`${where}: groups by ${label}, which none of ${ours.join(', ')} has`);
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(checked > 40, `only ${checked} metric references checked`);
    for (const metric of [
      'game_matches_finished_total',
      'game_tick_lateness_seconds_bucket',
      'ws_messages_total',
      'auth_logins_total',
      'tournaments_active',
      'db_query_duration_seconds_bucket',
    ]) {
      assert.ok((series.get(metric)?.samples ?? 0) > 0, `${metric} has series after the activity`);
    }
  });

  it('names the repo operation of the queries the activity ran, so the slow one can be found', async () => {
    const after = queryCounts(String((await api(s.metricsUrl, 'GET', '/metrics')).body));
    const ran = [...after].map(([op, n]) => [op, n - (queriesBefore.get(op) ?? 0)] as const);
    const unlabelled = ran.find(([op]) => op === 'unlabelled')?.[1] ?? 0;
    const labelled = ran.filter(([op]) => op !== 'unlabelled').reduce((sum, [, n]) => sum + n, 0);
    // What stays unlabelled is transaction control (BEGIN/COMMIT/SAVEPOINT) around labelled queries.
    assert.ok(
      unlabelled < labelled / 2,
      `${unlabelled} unlabelled queries against ${labelled} labelled`,
    );
    const areas = new Set(ran.filter(([, n]) => n > 0).map(([op]) => op.split('.')[0]));
    for (const area of ['accounts', 'chat', 'games', 'matchmaking', 'tournaments', 'social'])
      assert.ok(areas.has(area), `no query of ${area} is labelled: ${[...areas].join(', ')}`);
  });

  it('every SQL panel and variable runs as grafana_reader and finds the match that was played', async () => {
    const variables = { user: winner.username, match: matchId };
    const results = new Map<string, Record<string, unknown>[]>();
    for (const d of dashboards) {
      const queries = [
        ...[...allPanels(d.panels)].flatMap((p) =>
          (p.targets ?? [])
            .filter((t) => t.rawSql)
            .map((t) => ({ name: `${d.uid}: ${p.title}`, sql: t.rawSql! })),
        ),
        ...(d.templating?.list ?? [])
          .map((v) => ({
            name: `${d.uid}: $${v.name}`,
            sql: typeof v.query === 'string' ? v.query : (v.query?.query ?? ''),
          }))
          .filter((q) => /^\s*select/i.test(q.sql)),
      ];
      for (const q of queries) {
        const rows = await s.db.transaction(async (trx) => {
          await trx.raw('set local role grafana_reader');
          return (
            (await trx.raw(expandSql(q.sql, variables))) as { rows: Record<string, unknown>[] }
          ).rows;
        });
        results.set(q.name, rows);
      }
    }
    assert.ok(results.size >= 15, `${results.size} queries ran`);
    const only = (suffix: string) =>
      [...results.entries()].find(([name]) => name.endsWith(suffix))?.[1] ??
      assert.fail(`no query ${suffix}`);
    assert.ok(
      only('$user').some((r) => r.username === winner.username),
      'the player is offered by $user',
    );
    assert.ok(
      only('$match').some((r) => r.id === matchId),
      'the match is offered by $match',
    );
    const matchPlayers = [...results.entries()].find(
      ([name, rows]) =>
        name.startsWith('pongctl-match-stats') && rows.length === 2 && 'player' in rows[0]!,
    );
    assert.ok(matchPlayers, 'the match stats list both players');
    assert.deepEqual(matchPlayers[1].map((r) => r.result).sort(), ['lost', 'won']);
    const userMatches = [...results.entries()]
      .filter(([name]) => name.startsWith('pongctl-user-stats'))
      .flatMap(([, rows]) => rows)
      .find((r) => 'matches' in r && !('opponent' in r));
    assert.equal(Number(userMatches?.matches), 1, 'the user stats count the match');
  });
});
