/**
 * `pongctl invites [list]` and `pongctl invites decline <user|matchId>`: the
 * match invites you received and sent that are still open. Accept one with
 * `pongctl play --accept <user|matchId>`; declining one you sent withdraws it.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';
import type { Invite } from './game/invites.ts';

const secondsLeft = (i: Invite) =>
  i.expiresAt === null
    ? ''
    : `${Math.max(0, Math.round((Date.parse(i.expiresAt) - Date.now()) / 1000))} s`;

const columns = [
  { header: 'ID', value: (i: Invite) => i.id },
  {
    header: 'INVITE',
    value: (i: Invite) => (i.direction === 'in' ? `from ${i.from}` : `to ${i.to}`),
  },
  { header: 'EXPIRES IN', value: secondsLeft },
  { header: 'FIRST TO', value: (i: Invite) => i.settings.pointsToWin },
  { header: 'REMATCH', value: (i: Invite) => (i.rematchOf ? 'yes' : '') },
];

async function list(ctx: CliContext): Promise<void> {
  const { openInvites } = await import('./game/invites.ts');
  const { invites } = await openInvites(ctx);
  if (ctx.io.format === 'table' && invites.length === 0) {
    ctx.io.info('No open invites. Invite someone with `pongctl play --invite <user>`.');
    return;
  }
  await ctx.io.print(invites, columns);
  if (ctx.io.format === 'table' && invites.some((i) => i.direction === 'in'))
    ctx.io.info('Accept one with `pongctl play --accept <user|id>`.');
}

async function decline(ctx: CliContext, who: string): Promise<void> {
  const { openInvites, pickInvite } = await import('./game/invites.ts');
  const invite = await pickInvite((await openInvites(ctx)).invites, who);
  const { withSession } = await import('../session.ts');
  const { data } = await withSession(ctx, (client) =>
    client.call('games.decline', { params: { id: invite.id } }),
  );
  if (ctx.io.format !== 'table') return ctx.io.print(data, []);
  ctx.io.success(
    invite.direction === 'in'
      ? `declined ${invite.from}'s invite (${invite.id})`
      : `withdrew your invite to ${invite.to} (${invite.id})`,
  );
}

export function registerInvites(program: Command, run: CommandRunner): void {
  const invites = program
    .command('invites')
    .description('match invites you received and sent: list them, decline one');
  invites
    .command('list', { isDefault: true })
    .description('open invites, received and sent, newest first')
    .action(run((ctx) => list(ctx)));
  invites
    .command('decline <invite>')
    .description(
      'decline an invite you received, or withdraw one you sent: the other player’s name or the match id',
    )
    .action(run((ctx, who: string) => decline(ctx, who)));
}
