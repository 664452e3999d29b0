// The instance metrics (api/core/cluster-metrics.ts) on the real registry of
// createMetrics: every series exists at zero before anything happens, and each
// function moves its own series by what it was given, and no other series.
import assert from 'node:assert/strict';
import { createMetrics, type Metrics } from '../../api/core/metrics.ts';
import { metrics as spec, seriesNames } from '../../api/contract/metrics.ts';

/** Every sample of the exposition as `name{labels}` → value. */
async function samples(m: Metrics): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await m.registry.metrics()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** The samples an action changed, other than process_* and nodejs_* (they move on their own). */
async function changes(m: Metrics, action: () => void): Promise<Record<string, number>> {
  const before = await samples(m);
  action();
  const after = await samples(m);
  const moved: Record<string, number> = {};
  for (const [series, value] of after) {
    if (/^(process|nodejs)_/.test(series)) continue;
    const was = before.get(series) ?? 0;
    if (value !== was) moved[series] = value - was;
  }
  return moved;
}

const clusterSpecs = [
  spec.gameRelayMessagesTotal,
  spec.gameRelayFramesTotal,
  spec.gameRelayLatency,
  spec.gameMatchesOwned,
  spec.gameMatchesTakenOverTotal,
  spec.gameMatchesHandedOverTotal,
  spec.gameMatchesServerLostTotal,
  spec.clusterInstancesLive,
  spec.clusterLeaseLossesTotal,
];

describe('cluster metrics', () => {
  let m: Metrics;
  beforeEach(() => {
    m = createMetrics({ version: 'test' });
  });

  it('exposes every series at zero before anything happens, each label value included', async () => {
    const text = await m.registry.metrics();
    for (const s of clusterSpecs) {
      // A histogram's own name is only a TYPE line; its samples are _bucket, _sum and _count.
      for (const name of seriesNames(s).filter((n) => s.type !== 'histogram' || n !== s.name))
        assert.match(text, new RegExp(`^${name}(\\{| )`, 'm'), `${name} is exposed`);
      assert.match(text, new RegExp(`^# TYPE ${s.name} ${s.type}$`, 'm'));
    }
    const now = await samples(m);
    for (const series of [
      'game_relay_messages_total{direction="out"}',
      'game_relay_messages_total{direction="in"}',
      'game_relay_frames_total{direction="out"}',
      'game_relay_frames_total{direction="in"}',
      'game_matches_taken_over_total{reason="lease_expired"}',
      'game_matches_taken_over_total{reason="handover"}',
      'game_matches_handed_over_total',
      'game_matches_server_lost_total',
      'cluster_lease_losses_total',
      'cluster_instances_live',
      'game_matches_owned',
      'game_relay_latency_seconds_count',
    ])
      assert.equal(now.get(series), 0, series);
  });

  it('relayedMessages and relayedFrames add to their direction only', async () => {
    assert.deepEqual(await changes(m, () => m.cluster.relayedMessages('out', 3)), {
      'game_relay_messages_total{direction="out"}': 3,
    });
    assert.deepEqual(await changes(m, () => m.cluster.relayedMessages('in', 1)), {
      'game_relay_messages_total{direction="in"}': 1,
    });
    assert.deepEqual(await changes(m, () => m.cluster.relayedFrames('out', 60)), {
      'game_relay_frames_total{direction="out"}': 60,
    });
    assert.deepEqual(await changes(m, () => m.cluster.relayedFrames('in', 120)), {
      'game_relay_frames_total{direction="in"}': 120,
    });
  });

  it('relayLatency observes into the buckets of its value, from 0.2 ms up', async () => {
    const moved = await changes(m, () => {
      m.cluster.relayLatency(0.00015);
      m.cluster.relayLatency(0.0008);
    });
    const bucket = (le: string) => moved[`game_relay_latency_seconds_bucket{le="${le}"}`];
    assert.equal(bucket('0.0002'), 1, 'a loopback round trip lands in the first bucket');
    assert.equal(bucket('0.0005'), 1);
    assert.equal(bucket('0.001'), 2);
    assert.equal(bucket('1'), 2);
    assert.equal(bucket('+Inf'), 2);
    assert.equal(moved['game_relay_latency_seconds_count'], 2);
    assert.ok(Math.abs(moved['game_relay_latency_seconds_sum']! - 0.00095) < 1e-12);
    assert.deepEqual(
      Object.keys(moved).filter((k) => !k.startsWith('game_relay_latency_seconds')),
      [],
    );
    const slow = await changes(m, () => m.cluster.relayLatency(2));
    assert.deepEqual(
      Object.keys(slow).sort(),
      [
        'game_relay_latency_seconds_bucket{le="+Inf"}',
        'game_relay_latency_seconds_count',
        'game_relay_latency_seconds_sum',
      ],
      'a round trip over 1 s counts only in +Inf',
    );
  });

  it('takeovers count by reason; handovers, lease losses and lost matches have their own counters', async () => {
    assert.deepEqual(await changes(m, () => m.cluster.takeovers('lease_expired', 2)), {
      'game_matches_taken_over_total{reason="lease_expired"}': 2,
    });
    assert.deepEqual(await changes(m, () => m.cluster.takeovers('handover', 5)), {
      'game_matches_taken_over_total{reason="handover"}': 5,
    });
    assert.deepEqual(await changes(m, () => m.cluster.handovers(4)), {
      game_matches_handed_over_total: 4,
    });
    assert.deepEqual(await changes(m, () => m.cluster.leaseLost()), {
      cluster_lease_losses_total: 1,
    });
    assert.deepEqual(await changes(m, () => m.cluster.serverLost(3)), {
      game_matches_server_lost_total: 3,
    });
  });

  it('instances and ownedMatches set their gauges, down as well as up', async () => {
    m.cluster.instances(3);
    m.cluster.ownedMatches(12);
    let now = await samples(m);
    assert.equal(now.get('cluster_instances_live'), 3);
    assert.equal(now.get('game_matches_owned'), 12);
    m.cluster.instances(2);
    m.cluster.ownedMatches(0);
    now = await samples(m);
    assert.equal(now.get('cluster_instances_live'), 2);
    assert.equal(now.get('game_matches_owned'), 0);
  });

  it('never labels a series with anything but the allow-listed values', async () => {
    m.cluster.relayedMessages('out', 1);
    m.cluster.takeovers('handover', 1);
    const labelled = [...(await samples(m)).keys()].filter((k) =>
      /^(game_relay|game_matches_(taken|handed|server|owned)|cluster_)/.test(k),
    );
    for (const series of labelled)
      assert.match(
        series,
        /^[a-z_]+(\{(direction="(in|out)"|reason="(lease_expired|handover)"|le="[^"]+")\})?$/,
      );
  });
});
