/**
 * The organiser's verbs: start, pause, resume, and the destructive cancel,
 * kick and result, which ask for confirmation on a terminal and need --yes
 * otherwise.
 */
import type { TournamentView } from '../../../api/contract/tournaments.ts';
import type { CliContext } from '../../context.ts';
import { confirmed } from '../../prompt.ts';

async function done(ctx: CliContext, view: TournamentView, message: string): Promise<void> {
  if (ctx.io.format !== 'table') return ctx.io.print(view, []);
  ctx.io.success(message);
}

export async function simple(
  ctx: CliContext,
  verb: 'start' | 'pause' | 'resume',
  id: string,
): Promise<void> {
  const { withSession } = await import('../../session.ts');
  const { data } = await withSession(ctx, (client) =>
    client.call(`tournaments.${verb}`, { params: { id } }),
  );
  const detail =
    verb === 'start'
      ? ` with ${data.players} players, ${data.roundsTotal} rounds; round 1 announced`
      : '';
  await done(ctx, data, `${data.name}: ${data.state}${detail}`);
}

export async function cancel(
  ctx: CliContext,
  id: string,
  o: { yes?: boolean },
): Promise<number | void> {
  if (!(await confirmed(ctx.io, o, `Cancel tournament ${id}? Games in progress are aborted.`)))
    return 1;
  const { withSession } = await import('../../session.ts');
  const { data } = await withSession(ctx, (client) =>
    client.call('tournaments.cancel', { params: { id } }),
  );
  await done(ctx, data, `${data.name}: cancelled`);
}

export async function kick(
  ctx: CliContext,
  o: { id: string; username: string; yes?: boolean },
): Promise<number | void> {
  if (!(await confirmed(ctx.io, o, `Remove ${o.username} from tournament ${o.id}?`))) return 1;
  const { withSession } = await import('../../session.ts');
  const { data } = await withSession(ctx, (client) =>
    client.call('tournaments.kick', { params: { id: o.id, username: o.username } }),
  );
  await done(
    ctx,
    data,
    data.state === 'registration'
      ? `${o.username} removed`
      : `${o.username} forfeits their remaining matches`,
  );
}

export async function result(
  ctx: CliContext,
  o: { id: string; matchId: string; winner: string; reason: string; yes?: boolean },
): Promise<number | void> {
  if (!(await confirmed(ctx.io, o, `Decide match ${o.matchId} for ${o.winner}?`))) return 1;
  const { withSession } = await import('../../session.ts');
  const { data } = await withSession(ctx, (client) =>
    client.call('tournaments.result', {
      params: { id: o.id, matchId: o.matchId },
      body: { winner: o.winner, reason: o.reason },
    }),
  );
  const state =
    data.state === 'finished'
      ? `; ${data.name} is over, ${data.winner?.alias} wins`
      : `; round ${data.currentRound} of ${data.roundsTotal}`;
  await done(ctx, data, `${o.winner} wins ${o.matchId}${state}`);
}
