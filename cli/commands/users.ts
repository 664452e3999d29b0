/** `pongctl users list|show|create|set-role|ban|unban|reset-password|delete`: admin user management through the API. */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';

type Row = {
  username: string;
  role: string;
  status: string;
  displayName: string;
  email: string | null;
  createdAt: string;
  bannedUntil: string | null;
};

const columns = [
  { header: 'USERNAME', value: (u: Row) => u.username },
  { header: 'ROLE', value: (u: Row) => u.role },
  {
    header: 'STATUS',
    value: (u: Row) =>
      u.status === 'banned' && u.bannedUntil ? `banned until ${u.bannedUntil}` : u.status,
  },
  { header: 'DISPLAY NAME', value: (u: Row) => u.displayName },
  { header: 'EMAIL', value: (u: Row) => u.email ?? '' },
  { header: 'CREATED', value: (u: Row) => u.createdAt.slice(0, 10) },
];

const roles = ['player', 'moderator', 'admin'] as const;
type RoleName = (typeof roles)[number];

async function checkRole(role: string): Promise<RoleName> {
  if ((roles as readonly string[]).includes(role)) return role as RoleName;
  const { AppError } = await import('../../api/contract/errors.ts');
  throw new AppError('VALIDATION', `role must be one of ${roles.join(', ')} (got "${role}")`);
}

async function session() {
  return (await import('../session.ts')).withSession;
}

interface ListOptions {
  query?: string;
  role?: string;
  status?: 'active' | 'banned' | 'deleted';
  limit?: string;
  all?: boolean;
  cursor?: string;
}

async function list(ctx: CliContext, o: ListOptions): Promise<void> {
  const { collect, pageSize, tellWhatIsLeft } = await import('../pages.ts');
  const limit = pageSize(o.limit, { fallback: 20 });
  const role = o.role === undefined ? undefined : await checkRole(o.role);
  const list = await (
    await session()
  )(ctx, (client) =>
    collect(
      (cursor) =>
        client.call('admin.usersList', {
          query: { q: o.query, role, status: o.status, limit, cursor },
        }),
      o,
    ),
  );
  await ctx.io.print(list.rows, columns);
  tellWhatIsLeft(ctx.io, list);
}

interface CreateOptions {
  username?: string;
  email?: string;
  role?: string;
  passwordStdin?: boolean;
}

/** Fills missing fields with an inquirer wizard on a terminal; otherwise they must be flags. */
async function createInput(ctx: CliContext, o: CreateOptions) {
  let { username, email, role } = o;
  const { readStdin } = await import('../prompt.ts');
  let password = o.passwordStdin ? await readStdin() : undefined;
  if (!username || !email) {
    ctx.io.requireInteractive('a username and email', 'pass --username and --email');
    const prompts = await import('@inquirer/prompts');
    username ??= await prompts.input({ message: 'Username' });
    email ??= await prompts.input({ message: 'Email' });
    role ??= await prompts.select({ message: 'Role', choices: roles.map((value) => ({ value })) });
    if (!o.passwordStdin)
      password =
        (await prompts.password({ message: 'Password (empty: send a reset link)', mask: '*' })) ||
        undefined;
  }
  return { username, email, role: await checkRole(role ?? 'player'), password };
}

async function create(ctx: CliContext, o: CreateOptions): Promise<void> {
  const body = await createInput(ctx, o);
  const result = await (
    await session()
  )(ctx, (client) => client.call('admin.usersCreate', { body }));
  if (ctx.io.format !== 'table') return ctx.io.print(result.data, []);
  ctx.io.success(`created ${result.data.user.username} (${result.data.user.role})`);
  if (result.data.resetLink) {
    ctx.io.info('No password was set. Pass this link on (it was also mailed):');
    ctx.io.out(result.data.resetLink);
  }
}

interface BanOptions {
  reason: string;
  until?: string;
  for?: string;
}

async function ban(ctx: CliContext, username: string, o: BanOptions): Promise<void> {
  const { parseDate, parseDuration } = await import('../duration.ts');
  const { AppError } = await import('../../api/contract/errors.ts');
  if (o.until && o.for) throw new AppError('VALIDATION', 'use --until or --for, not both');
  const until = o.for
    ? new Date(Date.now() + parseDuration(o.for, '--for')).toISOString()
    : o.until
      ? parseDate(o.until, '--until')
      : undefined;
  const result = await (
    await session()
  )(ctx, (client) =>
    client.call('admin.usersBan', { params: { username }, body: { reason: o.reason, until } }),
  );
  if (ctx.io.format !== 'table') return ctx.io.print(result.data, []);
  ctx.io.success(`banned ${result.data.username}${until ? ` until ${until}` : ' indefinitely'}`);
}

async function remove(
  ctx: CliContext,
  username: string,
  o: { yes?: boolean },
): Promise<number | void> {
  const { confirmed } = await import('../prompt.ts');
  if (!(await confirmed(ctx.io, o, `Delete ${username}? Personal data is erased for good.`)))
    return 1;
  const result = await (
    await session()
  )(ctx, (client) => client.call('admin.usersDelete', { params: { username } }));
  if (ctx.io.format !== 'table') return ctx.io.print(result.data, []);
  ctx.io.success(`deleted ${username} (now ${result.data.username})`);
}

async function show(ctx: CliContext, username: string): Promise<void> {
  const result = await (
    await session()
  )(ctx, (client) => client.call('admin.usersGet', { params: { username } }));
  await ctx.io.printRecord(result.data);
}

export function registerUsers(program: Command, run: CommandRunner): void {
  const users = program
    .command('users')
    .description('manage users (moderator: list, show, ban, unban; admin: everything)');
  users
    .command('list')
    .description('list users')
    .option('--query <prefix>', 'username or display name prefix')
    .option('--role <role>', 'player, moderator or admin')
    .option('--status <status>', 'active, banned or deleted')
    .option('--limit <n>', 'page size (1-100)', '20')
    .option('--all', 'follow every page')
    .option('--cursor <cursor>', 'start after this cursor (printed when a list is cut short)')
    .action(run((ctx, o: ListOptions) => list(ctx, o)));
  users
    .command('show <user>')
    .description('show one user as staff see it')
    .action(run((ctx, u: string) => show(ctx, u)));
  users
    .command('create')
    .description('create a user (a wizard on a terminal; flags otherwise)')
    .option('--username <name>', 'username')
    .option('--email <address>', 'email address')
    .option('--role <role>', 'player, moderator or admin', undefined)
    .option(
      '--password-stdin',
      'read the password from stdin (without one, a reset link is issued)',
    )
    .action(run((ctx, o: CreateOptions) => create(ctx, o)));
  users
    .command('set-role <user> <role>')
    .description('change the role of a user')
    .action(
      run(async (ctx, username: string, role: string) => {
        const body = { role: await checkRole(role) };
        const result = await (
          await session()
        )(ctx, (client) => client.call('admin.usersUpdate', { params: { username }, body }));
        if (ctx.io.format !== 'table') return ctx.io.print(result.data, []);
        ctx.io.success(`${result.data.username} is now ${result.data.role}`);
      }),
    );
  users
    .command('ban <user>')
    .description('ban a user and end their sessions')
    .requiredOption('--reason <text>', 'why (shown to the user)')
    .option('--until <date>', 'end of the ban, e.g. 2026-12-31')
    .option('--for <duration>', 'length of the ban, e.g. 7d, 12h')
    .action(run((ctx, u: string, o: BanOptions) => ban(ctx, u, o)));
  users
    .command('unban <user>')
    .description('lift a ban')
    .action(
      run(async (ctx, username: string) => {
        const result = await (
          await session()
        )(ctx, (client) => client.call('admin.usersUnban', { params: { username } }));
        if (ctx.io.format !== 'table') return ctx.io.print(result.data, []);
        ctx.io.success(`unbanned ${result.data.username}`);
      }),
    );
  users
    .command('reset-password <user>')
    .description('issue a password-reset link to pass on')
    .action(
      run(async (ctx, username: string) => {
        const result = await (
          await session()
        )(ctx, (client) => client.call('admin.usersPasswordReset', { params: { username } }));
        if (ctx.io.format !== 'table') return ctx.io.print(result.data, []);
        ctx.io.info(`Reset link for ${username}, valid until ${result.data.expiresAt}:`);
        ctx.io.out(result.data.resetLink);
      }),
    );
  users
    .command('delete <user>')
    .description('anonymise an account (needs --yes when not interactive)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(run((ctx, u: string, o: { yes?: boolean }) => remove(ctx, u, o)));
}
