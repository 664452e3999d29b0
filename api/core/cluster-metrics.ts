/**
 * Metrics of several instances serving one deployment: the relay between a
 * socket's instance and a match's owner (game_relay_*), take-over and
 * hand-over of matches, matches lost with their owner, lease losses, live
 * instances and owned matches. Labels come from the contract's allow-lists;
 * no match, user or instance id ever becomes a label value.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { metrics as spec, relayDirections, takeoverReasons } from '../contract/metrics.ts';

export type RelayDirection = (typeof relayDirections)[number];
export type TakeoverReason = (typeof takeoverReasons)[number];

export interface ClusterMetrics {
  /** Client messages forwarded to an owner (out) or received from another instance (in). */
  relayedMessages(direction: RelayDirection, count: number): void;
  /** Frames published for remote peers (out) or received and written to local sockets (in). */
  relayedFrames(direction: RelayDirection, count: number): void;
  /** Round trip of a forwarded request (send → owner's answer), seconds. */
  relayLatency(seconds: number): void;
  /** Matches this instance took over from another: after the owner's lease expired, or handed over on its shutdown. */
  takeovers(reason: TakeoverReason, count: number): void;
  /** Matches this instance handed to others while shutting down. */
  handovers(count: number): void;
  /** This instance found its own lease lost (could not renew in time, or another took it). */
  leaseLost(): void;
  /** Matches ended aborted/server_lost because their owner died without a checkpoint. */
  serverLost(count: number): void;
  /** Live instances seen in the registry, and matches owned by this instance. */
  instances(count: number): void;
  ownedMatches(count: number): void;
}

type Spec = { name: string; help: string; labels: readonly string[] };

export function createClusterMetrics(registry: Registry): ClusterMetrics {
  const counter = (m: Spec) =>
    new Counter({ name: m.name, help: m.help, labelNames: [...m.labels], registers: [registry] });
  const gauge = (m: Spec) => new Gauge({ name: m.name, help: m.help, registers: [registry] });
  const messages = counter(spec.gameRelayMessagesTotal);
  const frames = counter(spec.gameRelayFramesTotal);
  const latency = new Histogram({
    name: spec.gameRelayLatency.name,
    help: spec.gameRelayLatency.help,
    buckets: [...spec.gameRelayLatency.buckets],
    registers: [registry],
  });
  const takeovers = counter(spec.gameMatchesTakenOverTotal);
  // Every allowed series exists from the start, so rate() and increase() see the first event.
  for (const direction of relayDirections) {
    messages.inc({ direction }, 0);
    frames.inc({ direction }, 0);
  }
  for (const reason of takeoverReasons) takeovers.inc({ reason }, 0);
  const handovers = counter(spec.gameMatchesHandedOverTotal);
  const serverLost = counter(spec.gameMatchesServerLostTotal);
  const leaseLosses = counter(spec.clusterLeaseLossesTotal);
  const live = gauge(spec.clusterInstancesLive);
  const owned = gauge(spec.gameMatchesOwned);
  return {
    // A labelled inc costs ≈ 0.2 µs, cheap enough for one call per relayed frame.
    relayedMessages: (direction, count) => messages.inc({ direction }, count),
    relayedFrames: (direction, count) => frames.inc({ direction }, count),
    relayLatency: (seconds) => latency.observe(seconds),
    takeovers: (reason, count) => takeovers.inc({ reason }, count),
    handovers: (count) => handovers.inc(count),
    leaseLost: () => leaseLosses.inc(),
    serverLost: (count) => serverLost.inc(count),
    instances: (count) => live.set(count),
    ownedMatches: (count) => owned.set(count),
  };
}
