/**
 * `pongctl play --tournament <id>`: waits on the lobby screen for the
 * player's next match in that tournament (the scheduler creates each round's
 * games), then shows the opponent and the deadline for a moment and hands
 * the game's id to `play`. A player with no match left (eliminated,
 * finished, cancelled) or not registered gets an error instead of a wait.
 */
import type { TournamentMatchView, TournamentView } from '../../../api/contract/tournaments.ts';
import type { AppError } from '../../../api/contract/errors.ts';
import { message, waitFor, type Lobby } from './lobby.ts';

const pollMs = 1000;
const showMs = 1500;

type Found = { match: TournamentMatchView; view: TournamentView };

const mine = (m: TournamentMatchView, me: string) =>
  [m.a?.username, m.b?.username].some((u) => u?.toLowerCase() === me.toLowerCase());

/** The reason there is nothing to wait for, or undefined while a match may still come. */
function nothingLeft(view: TournamentView, me: string): AppError['code'] | undefined {
  const entrant = view.entrants.find((e) => e.username?.toLowerCase() === me.toLowerCase());
  if (!entrant) return 'NOT_FOUND';
  if (['finished', 'cancelled'].includes(view.state) || entrant.status !== 'active')
    return 'CONFLICT';
  return undefined;
}

function why(view: TournamentView, me: string, code: AppError['code']): string {
  if (code === 'NOT_FOUND')
    return `You are not registered in ${view.name} (\`pongctl tournaments register ${view.id} --alias <alias>\`)`;
  const entrant = view.entrants.find((e) => e.username?.toLowerCase() === me.toLowerCase());
  if (view.state === 'finished' || view.state === 'cancelled')
    return `${view.name} is ${view.state}${view.winner ? `; ${view.winner.alias} won` : ''}`;
  return `You have no match left in ${view.name} (${entrant?.status ?? 'out'})`;
}

/** Resolves with the game id of the player's next match, or null when they stop waiting. */
export async function nextTournamentGame(lobby: Lobby, id: string): Promise<string | null> {
  const { withSession } = await import('../../session.ts');
  const { AppError } = await import('../../../api/contract/errors.ts');
  const me = await withSession(lobby.ctx, async (c) => (await c.call('me.get')).data.username);
  let stopped = false;
  let last: TournamentView | undefined;
  const ready = (async (): Promise<Found> => {
    for (;;) {
      const view = (
        await withSession(lobby.ctx, (c) => c.call('tournaments.get', { params: { id } }))
      ).data;
      last = view;
      const match = view.rounds
        .flatMap((r) => r.matches)
        .find((m) => m.state === 'ready' && m.gameId !== null && mine(m, me));
      if (match) return { match, view };
      const code = nothingLeft(view, me);
      if (code) throw new AppError(code, why(view, me, code));
      if (stopped) throw new AppError('CONFLICT', 'stopped waiting');
      await new Promise((r) => setTimeout(r, pollMs));
    }
  })();
  ready.catch(() => undefined);
  const found = await waitFor(lobby, {
    ready,
    lines: () => [
      last ? `${last.name}: waiting for your next match…` : 'loading the tournament…',
      last
        ? last.state === 'registration'
          ? `registration is open (${last.players}/${last.capacity} players)`
          : `${last.state} · round ${last.currentRound} of ${last.roundsTotal}`
        : '',
      '',
      'q stops waiting',
    ],
    cancel: async () => void (stopped = true),
  });
  if (found === null) return null;
  const { match, view } = found;
  const opponent = match.a?.username?.toLowerCase() === me.toLowerCase() ? match.b : match.a;
  const round = view.rounds.find((r) => r.matches.some((m) => m.id === match.id));
  message(lobby.screen, [
    `${view.name} · ${round?.name ?? `round ${match.round}`}`,
    `you play ${opponent?.alias ?? '?'} (${opponent?.username ?? '?'})`,
    match.joinBy ? `join before ${match.joinBy.slice(11, 19)} UTC` : '',
    '',
    'joining…',
  ]);
  await new Promise((r) => setTimeout(r, showMs));
  return match.gameId;
}
