/** "pongctl / Matchmaking and tournaments": queue, waits, tournaments and their rounds. */
import type { DashboardSpec } from '../model.ts';

export const matchmakingDashboard: DashboardSpec = {
  uid: 'pongctl-matchmaking',
  title: 'pongctl / Matchmaking and tournaments',
  description:
    'Matchmaking queue size, oldest ticket and wait times; tournaments by state, completed rounds, forfeits and stalled rounds.',
  tags: ['matchmaking', 'tournaments'],
  items: [
    { row: 'Matchmaking' },
    {
      title: 'Tickets waiting',
      type: 'timeseries',
      w: 8,
      queries: [{ prom: 'sum(matchmaking_queue_size)', legend: 'queue' }],
    },
    {
      title: 'Oldest ticket (alert above 2 min)',
      type: 'stat',
      w: 4,
      unit: 's',
      queries: [{ prom: 'max(matchmaking_oldest_ticket_age_seconds)', instant: true }],
    },
    {
      title: 'Wait until matched p50 / p95',
      type: 'timeseries',
      w: 12,
      unit: 's',
      queries: [0.5, 0.95].map((q) => ({
        prom: `histogram_quantile(${q}, sum by (le) (rate(matchmaking_wait_seconds_bucket[$__rate_interval])))`,
        legend: `p${q * 100}`,
      })),
    },
    { row: 'Tournaments' },
    {
      title: 'Tournaments by state',
      type: 'timeseries',
      w: 8,
      stack: true,
      queries: [{ prom: 'sum by (state) (tournaments_active)', legend: '{{state}}' }],
    },
    {
      title: 'Rounds completed per hour',
      type: 'timeseries',
      w: 8,
      queries: [
        {
          prom: 'sum by (format) (increase(tournament_rounds_completed_total[1h]))',
          legend: '{{format}}',
        },
      ],
    },
    {
      title: 'Forfeits per hour',
      type: 'timeseries',
      w: 4,
      queries: [{ prom: 'sum(increase(tournament_forfeits_total[1h]))', legend: 'forfeits' }],
    },
    {
      title: 'Oldest running round (alert above 30 min)',
      type: 'stat',
      w: 4,
      unit: 's',
      queries: [{ prom: 'max(tournament_oldest_round_age_seconds)', instant: true }],
    },
  ],
};
