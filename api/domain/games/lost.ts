/**
 * A match whose owner died before it could be checkpointed (or without Redis
 * to hold a checkpoint): nothing can go on with it, so it ends
 * `aborted`/`server_lost` through the same durable path as every end
 * (result-keeper.ts), and presence, tournaments and matchmaking move on.
 */
import type { MatchSpec, SeatSpec } from '../../game/live-match.ts';
import type { GamesDeps } from './deps.ts';
import * as repo from './repo.ts';
import { settingsOf } from './views.ts';

export async function endLostMatch(deps: GamesDeps, matchId: string): Promise<boolean> {
  const row = await repo.getMatchRow(deps.db, matchId);
  if (!row || repo.endedStates.includes(row.state as (typeof repo.endedStates)[number]))
    return false;
  const players = (await repo.playersOf(deps.db, [matchId])).get(matchId) ?? [];
  const seat = (side: 0 | 1): SeatSpec => {
    const p = players.find((x) => x.side === side);
    if (p?.bot_level) return { bot: p.bot_level };
    return { userId: p?.user_id ?? '', username: p?.username ?? 'deleted' };
  };
  const spec: MatchSpec = {
    id: row.id,
    kind: row.kind,
    ranked: row.ranked,
    visibility: row.visibility,
    settings: settingsOf(row),
    seed: row.seed,
    players: [seat(0), seat(1)],
    state: 'ready',
  };
  await deps.results.submit({
    spec,
    decision: { outcome: 'aborted', reason: 'server_lost', winnerSide: null },
    score: [0, 0],
    ticks: 0,
    stats: null,
    inputLog: null,
  });
  return true;
}
