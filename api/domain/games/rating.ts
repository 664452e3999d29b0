/**
 * Glicko-2 ratings (rating, deviation, volatility), following Mark Glickman's
 * "Example of the Glicko-2 system" (2013) step by step, including the Illinois
 * algorithm for the new volatility. Pure math; ranked matches are rated one at a
 * time, each treated as a rating period with one game.
 */

export interface Glicko2Rating {
  /** Glicko scale, 1500 for a new player. */
  rating: number;
  /** Rating deviation (RD), 350 for a new player. */
  deviation: number;
  /** Volatility σ, 0.06 for a new player. */
  volatility: number;
}

/** One game of the period: the opponent's rating before it, and the score (1 win, 0.5 draw, 0 loss). */
export interface Glicko2Game {
  opponent: Glicko2Rating;
  score: 0 | 0.5 | 1;
}

export interface Glicko2Options {
  /** System constant τ: how fast volatility may change (Glickman suggests 0.3–1.2). */
  tau: number;
  /** Convergence tolerance of the volatility iteration. */
  epsilon: number;
  /** Upper bound of the deviation (an idle player never gets less certain than a new one). */
  maxDeviation: number;
}

export const GLICKO2_DEFAULT_RATING: Readonly<Glicko2Rating> = Object.freeze({
  rating: 1500,
  deviation: 350,
  volatility: 0.06,
});
export const GLICKO2_DEFAULT_OPTIONS: Readonly<Glicko2Options> = Object.freeze({
  tau: 0.5,
  epsilon: 0.000001,
  maxDeviation: 350,
});

/** Factor between the Glicko and Glicko-2 scales (400 / ln 10). */
export const GLICKO2_SCALE = 173.7178;

function g(phi: number): number {
  return 1 / Math.sqrt(1 + (3 * phi * phi) / (Math.PI * Math.PI));
}

function expected(mu: number, muJ: number, phiJ: number): number {
  return 1 / (1 + Math.exp(-g(phiJ) * (mu - muJ)));
}

/** Steps 2–4 of the paper: the player on the Glicko-2 scale, estimated variance v and improvement Δ. */
export function periodQuantities(
  player: Glicko2Rating,
  games: readonly Glicko2Game[],
): { mu: number; phi: number; v: number; delta: number } {
  const mu = (player.rating - 1500) / GLICKO2_SCALE;
  const phi = player.deviation / GLICKO2_SCALE;
  let invV = 0;
  let sum = 0;
  for (const game of games) {
    const muJ = (game.opponent.rating - 1500) / GLICKO2_SCALE;
    const phiJ = game.opponent.deviation / GLICKO2_SCALE;
    const gJ = g(phiJ);
    const e = expected(mu, muJ, phiJ);
    invV += gJ * gJ * e * (1 - e);
    sum += gJ * (game.score - e);
  }
  const v = 1 / invV;
  return { mu, phi, v, delta: v * sum };
}

/** Step 5: the new volatility σ', by the Illinois (regula falsi) iteration. */
export function newVolatility(
  input: { phi: number; v: number; delta: number; sigma: number },
  options: Glicko2Options,
): number {
  const { phi, v, delta, sigma } = input;
  const tau = options.tau;
  const a = Math.log(sigma * sigma);
  const f = (x: number) => {
    const ex = Math.exp(x);
    const d = phi * phi + v + ex;
    return (ex * (delta * delta - phi * phi - v - ex)) / (2 * d * d) - (x - a) / (tau * tau);
  };
  let A = a;
  let B: number;
  if (delta * delta > phi * phi + v) {
    B = Math.log(delta * delta - phi * phi - v);
  } else {
    let k = 1;
    while (f(a - k * tau) < 0) k += 1;
    B = a - k * tau;
  }
  let fA = f(A);
  let fB = f(B);
  // Bounded for safety; the iteration converges in a handful of steps.
  for (let i = 0; i < 100 && Math.abs(B - A) > options.epsilon; i++) {
    const C = A + ((A - B) * fA) / (fB - fA);
    const fC = f(C);
    if (fC * fB <= 0) {
      A = B;
      fA = fB;
    } else {
      fA /= 2;
    }
    B = C;
    fB = fC;
  }
  return Math.exp(A / 2);
}

/** The player's rating after a period with these games (no games: only the deviation grows). */
export function updateRating(
  player: Glicko2Rating,
  games: readonly Glicko2Game[],
  options: Partial<Glicko2Options> = {},
): Glicko2Rating {
  const opts = { ...GLICKO2_DEFAULT_OPTIONS, ...options };
  const phi = player.deviation / GLICKO2_SCALE;
  if (games.length === 0) {
    const grown = Math.sqrt(phi * phi + player.volatility * player.volatility) * GLICKO2_SCALE;
    return { ...player, deviation: Math.min(grown, opts.maxDeviation) };
  }
  const q = periodQuantities(player, games);
  const sigma = newVolatility(
    { phi: q.phi, v: q.v, delta: q.delta, sigma: player.volatility },
    opts,
  );
  const phiStar = Math.sqrt(q.phi * q.phi + sigma * sigma);
  const phiNew = 1 / Math.sqrt(1 / (phiStar * phiStar) + 1 / q.v);
  const muNew = q.mu + ((phiNew * phiNew) / q.v) * q.delta;
  return {
    rating: GLICKO2_SCALE * muNew + 1500,
    deviation: Math.min(GLICKO2_SCALE * phiNew, opts.maxDeviation),
    volatility: sigma,
  };
}

/** Both players' ratings after one game between them; each is rated against the other's rating before it. */
export function rateMatch(
  a: Glicko2Rating,
  b: Glicko2Rating,
  scoreA: 0 | 0.5 | 1,
  options: Partial<Glicko2Options> = {},
): [Glicko2Rating, Glicko2Rating] {
  const scoreB = (1 - scoreA) as 0 | 0.5 | 1;
  return [
    updateRating(a, [{ opponent: b, score: scoreA }], options),
    updateRating(b, [{ opponent: a, score: scoreB }], options),
  ];
}

/** A rating change as players see it (game.end, history): rounded to hundredths. */
export function ratingDelta(before: number, after: number): number {
  return Math.round((after - before) * 100) / 100;
}
