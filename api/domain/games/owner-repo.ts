/** Queries of who holds live matches: owners on the rows, a user's live match, matches left by dead instances. */
import { operations, type Q } from '../../core/query.ts';
import { endedStates } from './repo.ts';

const op = operations('games');

/** The live match (ready or later) a user plays in, if any, on any instance. */
export async function liveMatchOf(q: Q, userId: string): Promise<string | undefined> {
  const row = await q('match_players')
    .queryContext(op('liveMatchOf'))
    .where({ user_id: userId, live: true })
    .first<{ match_id: string } | undefined>('match_id');
  return row?.match_id;
}

/** Records the instance that now steps the match (null once it has left every runner). */
export async function setOwner(q: Q, matchId: string, instance: string | null): Promise<void> {
  await q('matches')
    .queryContext(op('setOwner'))
    .where({ id: matchId })
    .whereNotIn('state', endedStates)
    .update({ owner_instance: instance });
}

/** Matches not ended, with their recorded owner. */
export function unendedMatches(q: Q): Promise<{ id: string; owner_instance: string | null }[]> {
  return q('matches')
    .queryContext(op('unendedMatches'))
    .whereNotIn('state', endedStates)
    .select('id', 'owner_instance');
}
