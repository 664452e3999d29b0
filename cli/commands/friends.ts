/**
 * `pongctl friends [list|add|accept|decline|remove]`: your friends (with
 * presence) and friend requests both ways. `remove` ends a friendship or
 * cancels a request you sent.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';

interface Friend {
  username: string;
  state: 'accepted' | 'incoming' | 'outgoing';
  since: string;
  presence: { status: string } | null;
}

const columns = [
  { header: 'USER', value: (f: Friend) => f.username },
  {
    header: 'STATE',
    value: (f: Friend) =>
      f.state === 'accepted' ? 'friend' : f.state === 'incoming' ? 'asks you' : 'you asked',
  },
  { header: 'PRESENCE', value: (f: Friend) => f.presence?.status ?? '' },
  { header: 'SINCE', value: (f: Friend) => f.since.slice(0, 10) },
];

const states = ['accepted', 'incoming', 'outgoing'] as const;

async function list(ctx: CliContext, o: { state?: string; all?: boolean }): Promise<void> {
  const { AppError } = await import('../../api/contract/errors.ts');
  if (o.state !== undefined && !(states as readonly string[]).includes(o.state))
    throw new AppError('VALIDATION', `--state must be one of ${states.join(', ')}`);
  const wanted = o.state ? [o.state as (typeof states)[number]] : states;
  const { collect } = await import('../pages.ts');
  const { withSession } = await import('../session.ts');
  const rows: Friend[] = [];
  await withSession(ctx, async (client) => {
    for (const state of wanted)
      rows.push(
        ...(
          await collect(
            (cursor) => client.call('friends.list', { query: { state, limit: 100, cursor } }),
            { all: true },
          )
        ).rows,
      );
  });
  await ctx.io.print(rows, columns);
}

type Verb = 'add' | 'accept' | 'decline' | 'remove';

async function act(ctx: CliContext, verb: Verb, username: string): Promise<void> {
  const { withSession } = await import('../session.ts');
  const { AppError } = await import('../../api/contract/errors.ts');
  const done = await withSession(ctx, async (client) => {
    if (verb === 'add') {
      const r = await client.call('friends.request', { body: { username } });
      return r.data.state === 'accepted'
        ? `${username} had asked you already: you are friends now`
        : `friend request sent to ${username}`;
    }
    if (verb === 'accept') {
      await client.call('friends.accept', { params: { username } });
      return `you and ${username} are friends`;
    }
    if (verb === 'decline') {
      await client.call('friends.decline', { params: { username } });
      return `declined ${username}'s request`;
    }
    // remove: a friendship, or else the request you sent.
    try {
      await client.call('friends.remove', { params: { username } });
      return `${username} is no longer your friend`;
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'NOT_FOUND') throw err;
      await client.call('friends.cancel', { params: { username } });
      return `cancelled your request to ${username}`;
    }
  });
  if (ctx.io.format !== 'table') return ctx.io.print({ username, done: verb }, []);
  ctx.io.success(done);
}

export function registerFriends(program: Command, run: CommandRunner): void {
  const f = program
    .command('friends')
    .description('your friends and friend requests: list, add, accept, decline, remove');
  f.command('list', { isDefault: true })
    .description('friends (with presence) and pending requests both ways')
    .option('--state <state>', 'only accepted, incoming or outgoing')
    .action(run((ctx, o: { state?: string }) => list(ctx, o)));
  const verbs: Record<Verb, string> = {
    add: 'send a friend request (accepts theirs if they asked you first)',
    accept: 'accept a friend request',
    decline: 'decline a friend request',
    remove: 'end a friendship, or cancel a request you sent',
  };
  for (const verb of Object.keys(verbs) as Verb[])
    f.command(`${verb} <user>`)
      .description(verbs[verb])
      .action(run((ctx, username: string) => act(ctx, verb, username)));
}
