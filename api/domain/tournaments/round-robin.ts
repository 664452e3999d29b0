/**
 * Round-robin schedules, pure, by the circle method: the first player stays
 * put while the others rotate one place per round, so every pair meets
 * exactly once in n − 1 rounds (n rounded up to even; the phantom player is a
 * bye). Sides alternate so nobody is always the left player.
 */

/** A pairing by player index (0-based, in seed order). */
export interface RoundRobinPair {
  a: number;
  b: number;
}

export interface RoundRobinRound {
  round: number;
  pairs: RoundRobinPair[];
  /** The player sitting this round out (odd player counts), else null. */
  bye: number | null;
}

export function roundRobinSchedule(players: number): RoundRobinRound[] {
  if (!Number.isInteger(players) || players < 2)
    throw new RangeError('a round robin needs at least two players');
  const n = players % 2 === 0 ? players : players + 1;
  // circle[0] is fixed; the rest rotate. Index `players` (when odd) is the bye.
  let circle = Array.from({ length: n }, (_, i) => i);
  const rounds: RoundRobinRound[] = [];
  for (let r = 0; r < n - 1; r++) {
    const pairs: RoundRobinPair[] = [];
    let bye: number | null = null;
    for (let i = 0; i < n / 2; i++) {
      const x = circle[i]!;
      const y = circle[n - 1 - i]!;
      if (x >= players || y >= players) {
        bye = x >= players ? y : x;
        continue;
      }
      // The fixed player swaps sides each round; the others by table position.
      const flip = i === 0 ? r % 2 === 1 : i % 2 === 1;
      pairs.push(flip ? { a: y, b: x } : { a: x, b: y });
    }
    rounds.push({ round: r + 1, pairs, bye });
    circle = [circle[0]!, circle[n - 1]!, ...circle.slice(1, n - 1)];
  }
  return rounds;
}
