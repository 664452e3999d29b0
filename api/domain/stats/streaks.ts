/**
 * Streaks over days without replaying matches: each stored day carries its
 * leading and trailing runs of wins (and losses) and its best win run, and
 * two consecutive ranges combine exactly (an associative merge), so any
 * window of days folds into the streaks of the whole window.
 */

export interface RunPiece {
  matches: number;
  winPrefix: number;
  winSuffix: number;
  winBest: number;
  lossPrefix: number;
  lossSuffix: number;
}

export const emptyRuns: RunPiece = Object.freeze({
  matches: 0,
  winPrefix: 0,
  winSuffix: 0,
  winBest: 0,
  lossPrefix: 0,
  lossSuffix: 0,
});

/** `a` then `b`. */
export function combineRuns(a: RunPiece, b: RunPiece): RunPiece {
  return {
    matches: a.matches + b.matches,
    winPrefix: a.winPrefix === a.matches ? a.matches + b.winPrefix : a.winPrefix,
    winSuffix: b.winSuffix === b.matches ? b.matches + a.winSuffix : b.winSuffix,
    winBest: Math.max(a.winBest, b.winBest, a.winSuffix + b.winPrefix),
    lossPrefix: a.lossPrefix === a.matches ? a.matches + b.lossPrefix : a.lossPrefix,
    lossSuffix: b.lossSuffix === b.matches ? b.matches + a.lossSuffix : b.lossSuffix,
  };
}

/** The run of one match: 'W', 'L' or 'D'. */
export function runOf(result: 'W' | 'L' | 'D'): RunPiece {
  const w = result === 'W' ? 1 : 0;
  const l = result === 'L' ? 1 : 0;
  return { matches: 1, winPrefix: w, winSuffix: w, winBest: w, lossPrefix: l, lossSuffix: l };
}

/** Wins (> 0) or losses (< 0) in a row at the end; 0 after a draw or without matches. */
export function currentStreak(runs: RunPiece): number {
  if (runs.winSuffix > 0) return runs.winSuffix;
  return runs.lossSuffix > 0 ? -runs.lossSuffix : 0;
}
