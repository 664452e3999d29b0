/**
 * The "Instances" row of the realtime dashboard: several API instances serving one deployment.
 * Who is alive, who owns which share of the matches, the relay between a player's instance and
 * the owner of the match, take-overs, hand-overs, lost leases and held results. The alerts on
 * these series are in ops/prometheus/rules/instances.yml and realtime.yml (GameResultsPending).
 */
import type { Item } from '../model.ts';

/** Rare events read best as counts over a fixed window, whatever the zoom. */
const window = '5m';

export const instancesRow: Item[] = [
  { row: 'Instances' },
  {
    title: 'Live instances',
    type: 'timeseries',
    w: 6,
    description:
      'Instances in the Redis registry (the most any instance sees) and instances Prometheus scrapes; a gap between them is an instance alive but not scraped, or scraped but without its lease.',
    queries: [
      { prom: 'max(cluster_instances_live)', legend: 'in the registry' },
      { prom: 'count(up{job="pongctl-api"} == 1)', legend: 'scraped' },
    ],
  },
  {
    title: 'Matches owned per instance',
    type: 'timeseries',
    w: 9,
    stack: true,
    description:
      'Live matches each instance steps; after a take-over the dead owner’s share moves.',
    queries: [{ prom: 'sum by (instance) (game_matches_owned)', legend: '{{instance}}' }],
  },
  {
    title: 'Results pending (alert after a minute above 0)',
    type: 'timeseries',
    w: 9,
    description:
      'Match results held in Redis or a spool file because the database has not stored them yet.',
    queries: [{ prom: 'sum by (instance) (game_results_pending)', legend: '{{instance}}' }],
  },
  {
    title: 'Relayed game messages per second',
    type: 'timeseries',
    w: 6,
    unit: 'ops',
    description:
      'Client messages forwarded to the owner of their match (out) and received from other instances (in).',
    queries: [
      {
        prom: 'sum by (instance, direction) (rate(game_relay_messages_total[$__rate_interval]))',
        legend: '{{instance}} {{direction}}',
      },
    ],
  },
  {
    title: 'Relayed frames per second',
    type: 'timeseries',
    w: 6,
    unit: 'ops',
    description:
      'Frames an owner published for peers on other instances (out), and frames received and written to local sockets (in).',
    queries: [
      {
        prom: 'sum by (instance, direction) (rate(game_relay_frames_total[$__rate_interval]))',
        legend: '{{instance}} {{direction}}',
      },
    ],
  },
  {
    title: 'Relay round trip p50 / p99 (alert: p99 above 25 ms)',
    type: 'timeseries',
    w: 12,
    unit: 's',
    description:
      "From forwarding a game message to the owner's answer, measured on the forwarding instance.",
    queries: [0.5, 0.99].map((q) => ({
      prom: `histogram_quantile(${q}, sum by (instance, le) (rate(game_relay_latency_seconds_bucket[$__rate_interval])))`,
      legend: `p${q * 100} {{instance}}`,
    })),
  },
  {
    title: `Take-overs and hand-overs per ${window}`,
    type: 'timeseries',
    w: 12,
    description:
      'Matches taken over after their owner’s lease expired (alert MatchTakeover) or handed over on a shutdown (deploys), by the instance that took them; and matches handed over, by the instance that shut down.',
    queries: [
      {
        prom: `sum by (reason) (increase(game_matches_taken_over_total[${window}]))`,
        legend: 'taken over: {{reason}}',
      },
      {
        prom: `sum(increase(game_matches_handed_over_total[${window}]))`,
        legend: 'handed over',
      },
    ],
  },
  {
    title: `Lease losses and matches lost per ${window}`,
    type: 'timeseries',
    w: 12,
    description:
      'Instances that found their lease lost (alert InstanceLeaseLost), and matches ended server_lost because their owner died without a checkpoint (alert MatchesServerLost).',
    queries: [
      {
        prom: `sum by (instance) (increase(cluster_lease_losses_total[${window}]))`,
        legend: 'lease lost: {{instance}}',
      },
      {
        prom: `sum(increase(game_matches_server_lost_total[${window}]))`,
        legend: 'matches server_lost',
      },
    ],
  },
];
