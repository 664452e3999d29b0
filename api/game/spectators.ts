/**
 * A match's spectators, split into groups that take turns: at 30 Hz on the
 * 60 Hz loop, one half gets its frame on even ticks and the other half on odd
 * ticks. Every spectator still gets a frame every 1/30 s, exactly two ticks
 * apart, but each tick writes to half the sockets: a crowded match neither
 * stretches one tick (2,000 writes take ≈ 20 ms here, longer than a tick)
 * nor makes the players' next tick late. A tick's events reach each group on
 * its own turn too, just before its next state (held here until then): sent
 * to the whole crowd at once, an event doubled that tick's writes and put
 * ≈ 5 ms of jitter on the frames of everyone written after it.
 */
import type { Peer } from './live-match.ts';

/** How many groups take turns: the loop's ticks per spectator frame, when that is a whole number (else 1). */
export function spectatorPhases(spectatorRateHz: number, tickRate: number): number {
  const ticksPerFrame = tickRate / spectatorRateHz;
  return Number.isInteger(ticksPerFrame) && ticksPerFrame >= 1 ? ticksPerFrame : 1;
}

export class Spectators implements Iterable<Peer> {
  readonly #groups: Set<Peer>[];
  readonly #groupOf = new Map<Peer, Set<Peer>>();
  /** Per group, the events (their frames' JSON text) it has not been sent yet. */
  readonly #held = new Map<ReadonlySet<Peer>, string[]>();
  /** Goes up with every change of who watches: a checkpoint writes the list only when it moved. */
  #version = 0;

  constructor(phases: number) {
    this.#groups = Array.from({ length: Math.max(1, phases) }, () => new Set<Peer>());
  }

  get size(): number {
    return this.#groupOf.size;
  }

  get version(): number {
    return this.#version;
  }

  /** Joins the smallest group, so the turns stay even as people come and go. */
  add(peer: Peer): void {
    if (this.#groupOf.has(peer)) return;
    const group = this.#groups.reduce((small, g) => (g.size < small.size ? g : small));
    group.add(peer);
    this.#groupOf.set(peer, group);
    this.#version++;
  }

  delete(peer: Peer): boolean {
    const group = this.#groupOf.get(peer);
    if (!group) return false;
    group.delete(peer);
    this.#version++;
    return this.#groupOf.delete(peer);
  }

  /** The group whose turn loop tick `n` is. */
  due(n: number): ReadonlySet<Peer> {
    return this.#groups[n % this.#groups.length]!;
  }

  /** Keeps an event for every group but `sent`, to go out on its turn. */
  hold(text: string, sent: ReadonlySet<Peer>): void {
    for (const group of this.#groups) {
      if (group === sent || group.size === 0) continue;
      const held = this.#held.get(group);
      if (held) held.push(text);
      else this.#held.set(group, [text]);
    }
  }

  /** The events held for `group`, oldest first, handed over (no longer held). */
  takeHeld(group: ReadonlySet<Peer>): string[] {
    const held = this.#held.get(group) ?? [];
    this.#held.delete(group);
    return held;
  }

  /** Every group with events held for it, handed over. */
  takeAllHeld(): [ReadonlySet<Peer>, string[]][] {
    if (this.#held.size === 0) return [];
    const all = [...this.#held];
    this.#held.clear();
    return all;
  }

  /** True when the groups take turns (else the whole crowd is sent to at the spectator rate). */
  get staggered(): boolean {
    return this.#groups.length > 1;
  }

  [Symbol.iterator](): Iterator<Peer> {
    return this.#groupOf.keys();
  }
}
