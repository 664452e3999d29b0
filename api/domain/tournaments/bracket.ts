/**
 * Single-elimination brackets, pure: the bracket size (next power of two),
 * the standard seed order that keeps top seeds apart until the late rounds
 * (1 and 2 can only meet in the final, the top four only from the
 * semi-finals on, …), byes for the top seeds when the field is not a power
 * of two, and where a match's winner goes next.
 */

/** A first-round pairing by seed (1 = best); `b` null is a bye for `a`. */
export interface FirstRoundMatch {
  position: number;
  a: number;
  b: number | null;
}

export interface BracketPlan {
  /** Slots in the first round: a power of two ≥ the player count. */
  size: number;
  rounds: number;
  /** Matches per round, round 1 first. */
  matchesPerRound: number[];
  firstRound: FirstRoundMatch[];
}

export function bracketSize(players: number): number {
  if (!Number.isInteger(players) || players < 2)
    throw new RangeError('a bracket needs at least two players');
  let size = 2;
  while (size < players) size *= 2;
  return size;
}

/**
 * Seeds in bracket-slot order for a power-of-two size: [1, 2] → [1, 4, 2, 3]
 * → [1, 8, 4, 5, 2, 7, 3, 6] … Each doubling pairs seed s with size + 1 − s,
 * so every first-round pair sums to size + 1 and the halves stay balanced.
 */
export function seedOrder(size: number): number[] {
  if (size < 2 || (size & (size - 1)) !== 0)
    throw new RangeError('size must be a power of two ≥ 2');
  let order = [1, 2];
  while (order.length < size) {
    const next = order.length * 2;
    order = order.flatMap((s) => [s, next + 1 - s]);
  }
  return order;
}

/** The plan for `players` seeded players: seeds above the player count are byes (they fall to the top seeds). */
export function planBracket(players: number): BracketPlan {
  const size = bracketSize(players);
  const order = seedOrder(size);
  const firstRound: FirstRoundMatch[] = [];
  for (let i = 0; i < size / 2; i++) {
    const [x, y] = [order[2 * i]!, order[2 * i + 1]!];
    const [a, b] = x < y ? [x, y] : [y, x];
    firstRound.push({ position: i, a, b: b > players ? null : b });
  }
  const rounds = Math.log2(size);
  const matchesPerRound = Array.from({ length: rounds }, (_, r) => size / 2 ** (r + 1));
  return { size, rounds, matchesPerRound, firstRound };
}

/** Where the winner of (round, position) plays next; null after the final. `side` 0 is the upper slot. */
export function nextSlot(
  plan: Pick<BracketPlan, 'rounds'>,
  round: number,
  position: number,
): { round: number; position: number; side: 0 | 1 } | null {
  if (round >= plan.rounds) return null;
  return { round: round + 1, position: position >> 1, side: (position & 1) as 0 | 1 };
}

/** Final rank of a player knocked out in `round` of `rounds` (the final's loser is 2, semi-final losers 3, …). */
export function eliminationRank(rounds: number, round: number): number {
  return 2 ** (rounds - round) + 1;
}

/** Display name of a round: Final, Semi-finals, Quarter-finals, else "Round n". */
export function roundName(rounds: number, round: number): string {
  const fromEnd = rounds - round;
  if (fromEnd === 0) return 'Final';
  if (fromEnd === 1) return 'Semi-finals';
  if (fromEnd === 2) return 'Quarter-finals';
  return `Round ${round}`;
}
