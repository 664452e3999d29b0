/** `pongctl login|logout|whoami`: the session stored in the active profile. */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { Runner } from '../runner.ts';

interface LoginOptions {
  username?: string;
  passwordStdin?: boolean;
  code?: string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function ask(ctx: CliContext, what: string, kind: 'input' | 'password'): Promise<string> {
  ctx.io.requireInteractive(`${what} is required`);
  const prompts = await import('@inquirer/prompts');
  return kind === 'password'
    ? prompts.password({ message: what, mask: '*' })
    : prompts.input({ message: what });
}

async function login(ctx: CliContext, options: LoginOptions): Promise<void> {
  const { AppError } = await import('../../api/contract/errors.ts');
  const { ApiClient } = await import('../client.ts');
  const { saveSession } = await import('../session.ts');
  const name = options.username ?? (await ask(ctx, 'Username or email', 'input'));
  const password = options.passwordStdin
    ? await readStdin()
    : await ask(ctx, 'Password', 'password');
  if (!password) throw new AppError('VALIDATION', 'The password is empty');
  const client = new ApiClient({ baseUrl: ctx.apiUrl });
  const first = await client.call('auth.login', { body: { login: name, password } });
  let tokens = first.data;
  if ('mfaRequired' in tokens) {
    const code = options.code ?? (await ask(ctx, 'Two-factor code (or a recovery code)', 'input'));
    tokens = (
      await client.call('auth.loginMfa', { body: { challengeToken: tokens.challengeToken, code } })
    ).data;
  }
  await saveSession(ctx, tokens);
  if (ctx.io.format === 'table')
    ctx.io.success(`Logged in to ${ctx.apiUrl} as ${tokens.user.username} (${tokens.user.role})`);
  else
    await ctx.io.print(
      {
        api: ctx.apiUrl,
        username: tokens.user.username,
        role: tokens.user.role,
        profile: ctx.profileName,
      },
      [],
    );
}

async function logout(ctx: CliContext): Promise<void> {
  const { AppError } = await import('../../api/contract/errors.ts');
  const { ApiClient } = await import('../client.ts');
  const { clearSession } = await import('../session.ts');
  const token = ctx.profile.accessToken;
  if (token) {
    try {
      await new ApiClient({ baseUrl: ctx.apiUrl, token }).call('auth.logout');
    } catch (err) {
      // An expired or already revoked session is logged out anyway.
      if (!(err instanceof AppError) || err.code !== 'UNAUTHENTICATED') throw err;
    }
  }
  await clearSession(ctx);
  if (ctx.env.PONGCTL_TOKEN)
    ctx.io.warn(
      'PONGCTL_TOKEN is still set in the environment; revoke it with `pongctl tokens revoke`',
    );
  ctx.io.success(token ? `Logged out of ${ctx.apiUrl}` : 'Not logged in');
}

export function registerLogin(program: Command, run: Runner): void {
  program
    .command('login')
    .description('sign in and store the session in the active profile')
    .option('-u, --username <name>', 'username or email (prompted on a terminal)')
    .option('--password-stdin', 'read the password from stdin')
    .option('--code <code>', 'two-factor code or recovery code (prompted on a terminal)')
    .action(run((ctx, options: LoginOptions) => login(ctx, options)));

  program
    .command('logout')
    .description('end the session of the active profile')
    .action(run((ctx) => logout(ctx)));

  program
    .command('whoami')
    .description('show the signed-in user')
    .action(
      run(async (ctx) => {
        const { withSession } = await import('../session.ts');
        const me = await withSession(ctx, (client) => client.call('me.get'));
        const { username, role, displayName, email, status, twoFactorEnabled } = me.data;
        await ctx.io.printRecord({
          username,
          role,
          displayName,
          email,
          status,
          twoFactorEnabled,
          api: ctx.apiUrl,
          via: ctx.env.PONGCTL_TOKEN ? 'PONGCTL_TOKEN' : `profile ${ctx.profileName}`,
        });
      }),
    );
}
