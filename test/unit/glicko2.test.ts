import assert from 'node:assert/strict';
import {
  GLICKO2_DEFAULT_OPTIONS,
  GLICKO2_DEFAULT_RATING,
  newVolatility,
  periodQuantities,
  rateMatch,
  updateRating,
  type Glicko2Game,
} from '../../api/domain/games/rating.ts';

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not ${expected} ± ${tolerance}`,
  );
}

// Glickman, "Example of the Glicko-2 system" (2013): a 1500/200/0.06 player,
// τ = 0.5, beats a 1400/30 player and loses to 1550/100 and 1700/300.
const player = { rating: 1500, deviation: 200, volatility: 0.06 };
const games: Glicko2Game[] = [
  { opponent: { rating: 1400, deviation: 30, volatility: 0.06 }, score: 1 },
  { opponent: { rating: 1550, deviation: 100, volatility: 0.06 }, score: 0 },
  { opponent: { rating: 1700, deviation: 300, volatility: 0.06 }, score: 0 },
];

describe('Glicko-2', () => {
  it("reproduces the intermediate quantities of Glickman's example (steps 2–4)", () => {
    const q = periodQuantities(player, games);
    close(q.mu, 0, 1e-12, 'μ');
    close(q.phi, 1.1513, 1e-4, 'φ');
    // The paper rounds g and E to 3–4 digits before summing; unrounded, v is 1.77898.
    close(q.v, 1.7785, 6e-4, 'v');
    close(q.delta, -0.4834, 6e-4, 'Δ');
  });

  it('reproduces the new volatility of the example (step 5, Illinois iteration)', () => {
    const q = periodQuantities(player, games);
    const sigma = newVolatility(
      { phi: q.phi, v: q.v, delta: q.delta, sigma: 0.06 },
      GLICKO2_DEFAULT_OPTIONS,
    );
    close(sigma, 0.05999, 1e-5, "σ'");
  });

  it("reproduces the example's final rating 1464.06 and deviation 151.52 (steps 6–8)", () => {
    const next = updateRating(player, games, { tau: 0.5 });
    close(next.rating, 1464.06, 0.01, "r'");
    close(next.deviation, 151.52, 0.01, "RD'");
    close(next.volatility, 0.05999, 1e-5, "σ'");
  });

  it('a period without games only widens the deviation, capped at that of a new player', () => {
    const idle = updateRating(player, []);
    assert.equal(idle.rating, 1500);
    assert.equal(idle.volatility, 0.06);
    close(idle.deviation, Math.sqrt(1.1513 ** 2 + 0.06 ** 2) * 173.7178, 0.05, 'RD*');
    assert.equal(updateRating(GLICKO2_DEFAULT_RATING, []).deviation, 350);
  });

  it('a match moves ratings in opposite directions, the winner up, the loser down, and shrinks deviations', () => {
    const [a, b] = rateMatch(GLICKO2_DEFAULT_RATING, GLICKO2_DEFAULT_RATING, 1);
    assert.ok(a.rating > 1500 && b.rating < 1500);
    close(a.rating - 1500, 1500 - b.rating, 1e-9, 'symmetric between equals');
    assert.ok(a.deviation < 350 && b.deviation < 350);
    const [c, d] = rateMatch(GLICKO2_DEFAULT_RATING, GLICKO2_DEFAULT_RATING, 0.5);
    close(c.rating, 1500, 1e-9, 'a draw between equals changes nothing');
    close(d.rating, 1500, 1e-9, 'a draw between equals changes nothing');
  });

  it('an upset moves ratings more than an expected result', () => {
    const strong = { rating: 1900, deviation: 80, volatility: 0.06 };
    const weak = { rating: 1400, deviation: 80, volatility: 0.06 };
    const [expectedWin] = rateMatch(strong, weak, 1);
    const [upsetLoss] = rateMatch(strong, weak, 0);
    assert.ok(1900 - upsetLoss.rating > 5 * (expectedWin.rating - 1900));
  });

  it('the volatility iteration also converges when Δ² ≤ φ² + v (the bracketing branch)', () => {
    const next = updateRating({ rating: 1500, deviation: 50, volatility: 0.06 }, [
      { opponent: { rating: 1500, deviation: 50, volatility: 0.06 }, score: 0.5 },
    ]);
    assert.ok(Number.isFinite(next.volatility) && next.volatility > 0 && next.volatility <= 0.06);
    const surprise = updateRating(
      { rating: 1500, deviation: 30, volatility: 0.06 },
      Array.from({ length: 10 }, () => ({
        opponent: { rating: 2200, deviation: 30, volatility: 0.06 },
        score: 1 as const,
      })),
    );
    assert.ok(surprise.volatility > 0.06, 'a run of upsets raises volatility');
  });
});
