/**
 * Rates a finished match between two users inside its end transaction: both
 * ratings locked, Glicko-2 applied, win/loss/draw counts, the history rows and
 * each side's before/after on match_players. Played matches (results.ts) and
 * imported ones (imports/service.ts) are rated by this one function.
 */
import type { Knex } from 'knex';
import { GLICKO2_DEFAULT_RATING, rateMatch, ratingDelta } from './rating.ts';
import * as repo from './repo.ts';

/** Each side's rating change. `winner` null is a draw. */
export async function rateFinishedMatch(
  trx: Knex.Transaction,
  match: { id: string; userIds: readonly [string, string]; winner: 0 | 1 | null; at: Date },
): Promise<[number, number]> {
  const { winner, at } = match;
  const stored = await repo.lockRatings(trx, match.userIds);
  const current = match.userIds.map(
    (id) =>
      stored.get(id) ?? {
        user_id: id,
        ...GLICKO2_DEFAULT_RATING,
        matches: 0,
        wins: 0,
        losses: 0,
        draws: 0,
      },
  );
  const next = rateMatch(current[0]!, current[1]!, winner === null ? 0.5 : winner === 0 ? 1 : 0);
  const deltas: [number, number] = [0, 0];
  for (const side of [0, 1] as const) {
    const before = current[side]!;
    const after = next[side];
    const delta = ratingDelta(before.rating, after.rating);
    deltas[side] = delta;
    const won = winner === side;
    await repo.saveRating(
      trx,
      {
        ...before,
        ...after,
        matches: before.matches + 1,
        wins: before.wins + (won ? 1 : 0),
        losses: before.losses + (winner !== null && !won ? 1 : 0),
        draws: before.draws + (winner === null ? 1 : 0),
      },
      at,
    );
    await repo.insertRatingHistory(trx, {
      user_id: before.user_id,
      match_id: match.id,
      ...after,
      delta,
      created_at: at,
    });
    await repo.setPlayerRatings(trx, match.id, side, before.rating, after.rating);
  }
  return deltas;
}
