/**
 * A player's own verbs: register under an alias (unique within the
 * tournament) while registration is open, and withdraw before the start.
 * Playing the matches is `pongctl play --tournament <id>`.
 */
import type { CliContext } from '../../context.ts';

export async function register(ctx: CliContext, id: string, o: { alias: string }): Promise<void> {
  const { withSession } = await import('../../session.ts');
  const { data } = await withSession(ctx, (client) =>
    client.call('tournaments.register', { params: { id }, body: { alias: o.alias } }),
  );
  if (ctx.io.format !== 'table') return ctx.io.print(data, []);
  ctx.io.success(
    `registered in ${id} as ${data.alias}; when it starts, play your matches with \`pongctl play --tournament ${id}\``,
  );
}

export async function withdraw(ctx: CliContext, id: string): Promise<void> {
  const { withSession } = await import('../../session.ts');
  const { data } = await withSession(ctx, (client) =>
    client.call('tournaments.unregister', { params: { id } }),
  );
  if (ctx.io.format !== 'table') return ctx.io.print(data, []);
  ctx.io.success(`withdrawn from ${id}`);
}
