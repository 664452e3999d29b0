/**
 * pongctl's Kibana content, as code: the `logs-pong.*` data view, the saved
 * searches operators start from (errors, auth failures, slow requests, admin
 * actions) and three dashboards (overview, security, game). `pongctl kibana
 * render` writes them to ops/kibana/saved-objects.ndjson.
 */
import { pongLogsPattern } from '../../api/contract/logs.ts';
import {
  count,
  dashboard,
  dataView,
  overTime,
  savedSearch,
  termsAgg,
  visualization,
  type SavedObject,
} from './builders.ts';

export const dataViewId = 'pong-logs';
const dv = { dataViewId };

const queries = {
  errors: 'log.level:(error or fatal)',
  authFailures:
    'event.dataset:"pong.api" and log.logger:"access" and http.route:/api/v1/auth/* and http.response.status_code:(401 or 403 or 429)',
  lockouts:
    'event.dataset:"pong.api" and log.logger:"access" and http.route:/api/v1/auth/* and http.response.status_code:429',
  slow: 'event.dataset:"pong.api" and log.logger:"access" and event.duration >= 1000000000',
  admin: 'event.dataset:"pong.audit"',
  server5xx:
    'event.dataset:"pong.api" and log.logger:"access" and http.response.status_code >= 500',
  game: 'event.dataset:"pong.game"',
};

export function buildSavedObjects(): SavedObject[] {
  const view = dataView({ id: dataViewId, title: pongLogsPattern, name: 'pong logs' });
  const searches = [
    savedSearch({
      id: 'pong-errors',
      title: 'pong: errors',
      description: 'Every error and fatal line, newest first',
      query: queries.errors,
      columns: ['event.dataset', 'message', 'error.type', 'error.message', 'trace.id'],
      ...dv,
    }),
    savedSearch({
      id: 'pong-auth-failures',
      title: 'pong: auth failures',
      description: 'Refused sign-ins, refreshes and resets (401/403) and lockouts (429)',
      query: queries.authFailures,
      columns: ['http.route', 'http.response.status_code', 'source.ip', 'trace.id'],
      ...dv,
    }),
    savedSearch({
      id: 'pong-slow-requests',
      title: 'pong: slow requests',
      description: 'Requests that took a second or more (event.duration is in nanoseconds)',
      query: queries.slow,
      columns: [
        'http.request.method',
        'http.route',
        'http.response.status_code',
        'event.duration',
        'trace.id',
      ],
      ...dv,
    }),
    savedSearch({
      id: 'pong-admin-actions',
      title: 'pong: admin actions',
      description: 'The audit stream: every admin action (also in the database)',
      query: queries.admin,
      columns: ['event.action', 'user.id', 'user.target.id', 'trace.id'],
      ...dv,
    }),
  ];
  const vis = {
    volume: visualization({
      id: 'pong-log-volume',
      title: 'Log volume by level',
      description: 'Lines per interval, stacked by log.level',
      kind: 'bars',
      query: '',
      aggs: [count, overTime, termsAgg('3', 'group', 'log.level', 6)],
      ...dv,
    }),
    datasets: visualization({
      id: 'pong-log-volume-dataset',
      title: 'Log volume by dataset',
      description: 'Lines per interval, stacked by event.dataset',
      kind: 'bars',
      query: '',
      aggs: [count, overTime, termsAgg('3', 'group', 'event.dataset', 10)],
      ...dv,
    }),
    topErrors: visualization({
      id: 'pong-top-errors',
      title: 'Top error messages',
      description: 'Most frequent error messages',
      kind: 'table',
      query: queries.errors,
      aggs: [count, termsAgg('2', 'bucket', 'error.message.keyword', 20)],
      ...dv,
    }),
    server5xx: visualization({
      id: 'pong-5xx-over-time',
      title: '5xx over time',
      description: 'Server errors per interval, by route',
      kind: 'bars',
      query: queries.server5xx,
      aggs: [count, overTime, termsAgg('3', 'group', 'http.route', 10)],
      ...dv,
    }),
    auth: visualization({
      id: 'pong-auth-failures-over-time',
      title: 'Auth failures and lockouts',
      description: '401/403 refusals and 429 lockouts on /api/v1/auth/*',
      kind: 'bars',
      query: queries.authFailures,
      aggs: [count, overTime, termsAgg('3', 'group', 'http.response.status_code', 5)],
      ...dv,
    }),
    game: visualization({
      id: 'pong-game-events',
      title: 'Game events',
      description: 'Match starts and ends, forfeits and tournament steps',
      kind: 'bars',
      query: queries.game,
      aggs: [count, overTime, termsAgg('3', 'group', 'event.action', 10)],
      ...dv,
    }),
    admin: visualization({
      id: 'pong-admin-actions-table',
      title: 'Admin actions',
      description: 'Audit events by action',
      kind: 'table',
      query: queries.admin,
      aggs: [count, termsAgg('2', 'bucket', 'event.action', 20)],
      ...dv,
    }),
  };
  const [errors, authFailures, , adminActions] = searches as [
    SavedObject,
    SavedObject,
    SavedObject,
    SavedObject,
  ];
  const dashboards = [
    dashboard({
      id: 'pong-logs-overview',
      title: 'pong: logs overview',
      description: 'Log volume by level and dataset, top error messages, 5xx over time',
      panels: [
        { object: vis.volume, w: 24, h: 15 },
        { object: vis.datasets, w: 24, h: 15 },
        { object: vis.server5xx, w: 24, h: 15 },
        { object: vis.topErrors, w: 24, h: 15 },
        { object: errors, w: 48, h: 20 },
      ],
    }),
    dashboard({
      id: 'pong-logs-security',
      title: 'pong: security',
      description: 'Auth failures and lockouts, admin actions',
      timeFrom: 'now-7d',
      panels: [
        { object: vis.auth, w: 24, h: 15 },
        { object: vis.admin, w: 24, h: 15 },
        { object: authFailures, w: 24, h: 20 },
        { object: adminActions, w: 24, h: 20 },
      ],
    }),
    dashboard({
      id: 'pong-logs-game',
      title: 'pong: game events',
      description: 'Matches, forfeits and tournament steps',
      panels: [{ object: vis.game, w: 48, h: 15 }],
    }),
  ];
  return [view, ...searches, ...Object.values(vis), ...dashboards];
}
