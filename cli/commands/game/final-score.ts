/**
 * The last line of `pongctl play`: the match id and its final score as the
 * server stored it (after a forfeit on q too), and how to watch it again.
 */
import type { MatchView } from '../../../api/contract/games.ts';
import type { CliContext } from '../../context.ts';

const waitMs = 5000;

const nameOf = (p: MatchView['players'][number]) =>
  p.username ?? (p.bot ? `bot:${p.bot}` : '(deleted)');

/** Waits (briefly) for the stored end, since the server writes it just after game.end. */
export async function finalScore(ctx: CliContext, matchId: string): Promise<string> {
  const { withSession } = await import('../../session.ts');
  const deadline = Date.now() + waitMs;
  let m: MatchView;
  for (;;) {
    m = (await withSession(ctx, (c) => c.call('games.get', { params: { id: matchId } }))).data;
    if (m.endedAt !== null || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const score = `${nameOf(m.players[0])} ${m.score[0]} : ${m.score[1]} ${nameOf(m.players[1])}`;
  const state = m.endedAt === null ? m.state : `${m.state}${m.reason ? `, ${m.reason}` : ''}`;
  const replay = m.startedAt !== null && m.endedAt !== null ? ` · pongctl replay ${m.id}` : '';
  return `match ${m.id} · final score ${score} (${state})${replay}`;
}
