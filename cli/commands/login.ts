/** `pongctl login|logout|whoami`: the session stored in the active profile. */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';

interface LoginOptions {
  username?: string;
  passwordStdin?: boolean;
  code?: string;
}

/** Prompts for one missing value; without a terminal, says which flag gives it. */
async function ask(
  ctx: CliContext,
  prompt: { message: string; what: string; instead: string; secret?: boolean },
): Promise<string> {
  ctx.io.requireInteractive(prompt.what, prompt.instead);
  const prompts = await import('@inquirer/prompts');
  return prompt.secret
    ? prompts.password({ message: prompt.message, mask: '*' })
    : prompts.input({ message: prompt.message });
}

async function login(ctx: CliContext, options: LoginOptions): Promise<void> {
  const { AppError } = await import('../../api/contract/errors.ts');
  const { ApiClient } = await import('../client.ts');
  const { saveSession } = await import('../session.ts');
  const { readStdin } = await import('../prompt.ts');
  const name =
    options.username ??
    (await ask(ctx, {
      message: 'Username or email',
      what: 'the username',
      instead: 'pass --username',
    }));
  const password = options.passwordStdin
    ? await readStdin()
    : await ask(ctx, {
        message: 'Password',
        what: 'the password',
        instead: 'pipe it to --password-stdin',
        secret: true,
      });
  if (!password) throw new AppError('VALIDATION', 'The password is empty');
  const client = new ApiClient({ baseUrl: ctx.apiUrl });
  const first = await client.call('auth.login', { body: { login: name, password } });
  let tokens = first.data;
  if ('mfaRequired' in tokens) {
    const code =
      options.code ??
      (await ask(ctx, {
        message: 'Two-factor code (or a recovery code)',
        what: 'the two-factor code',
        instead: 'pass --code',
      }));
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

export function registerLogin(program: Command, run: CommandRunner): void {
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
