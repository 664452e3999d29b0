/** "pongctl / Realtime and game": sockets, messages, matches, tick timing, spectators, instances. */
import type { DashboardSpec } from '../model.ts';
import { instancesRow } from '../dashboard-builders/instances.ts';

export const realtimeDashboard: DashboardSpec = {
  uid: 'pongctl-realtime',
  title: 'pongctl / Realtime and game',
  description:
    'WebSocket gateway and match runner: connections, message rates, drops, closes, active matches, tick duration and lateness, spectators; instances: ownership, relay, take-overs, hand-overs, leases, held results.',
  tags: ['realtime', 'game'],
  items: [
    { row: 'WebSocket' },
    {
      title: 'Open connections',
      type: 'timeseries',
      w: 8,
      queries: [{ prom: 'sum by (instance) (ws_connections)', legend: '{{instance}}' }],
    },
    {
      title: 'Messages per second by type',
      type: 'timeseries',
      w: 16,
      unit: 'ops',
      queries: [
        {
          prom: 'sum by (direction, type) (rate(ws_messages_total[$__rate_interval]))',
          legend: '{{direction}} {{type}}',
        },
      ],
    },
    {
      title: 'Dropped frames (slow sockets)',
      type: 'timeseries',
      w: 12,
      unit: 'ops',
      queries: [
        {
          prom: 'sum by (type) (rate(ws_dropped_frames_total[$__rate_interval]))',
          legend: '{{type}}',
        },
      ],
    },
    {
      title: 'Closes by code',
      type: 'timeseries',
      w: 12,
      unit: 'ops',
      stack: true,
      queries: [
        { prom: 'sum by (code) (rate(ws_closes_total[$__rate_interval]))', legend: '{{code}}' },
      ],
    },
    { row: 'Matches' },
    {
      title: 'Active matches',
      type: 'timeseries',
      w: 8,
      queries: [{ prom: 'sum by (instance) (game_matches_active)', legend: '{{instance}}' }],
    },
    {
      title: 'Spectators',
      type: 'timeseries',
      w: 8,
      queries: [{ prom: 'sum by (instance) (game_spectators)', legend: '{{instance}}' }],
    },
    {
      title: 'Matches finished per minute',
      type: 'timeseries',
      w: 8,
      stack: true,
      queries: [
        {
          prom: 'sum by (kind, outcome) (rate(game_matches_finished_total[$__rate_interval])) * 60',
          legend: '{{kind}} {{outcome}}',
        },
      ],
    },
    {
      title: 'Tick duration p50 / p99',
      type: 'timeseries',
      w: 12,
      unit: 's',
      queries: [0.5, 0.99].map((q) => ({
        prom: `histogram_quantile(${q}, sum by (le) (rate(game_tick_duration_seconds_bucket[$__rate_interval])))`,
        legend: `p${q * 100}`,
      })),
    },
    {
      title: 'Tick lateness p99 by instance (alert above 4 ms)',
      type: 'timeseries',
      w: 12,
      unit: 's',
      queries: [
        {
          prom: 'histogram_quantile(0.99, sum by (instance, le) (rate(game_tick_lateness_seconds_bucket[$__rate_interval])))',
          legend: '{{instance}}',
        },
      ],
    },
    ...instancesRow,
  ],
};
