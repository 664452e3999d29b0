/**
 * `pongctl register`: create a player account and sign in with it (the
 * session is stored in the active profile, like `pongctl login`).
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';

interface RegisterOptions {
  username?: string;
  email?: string;
  passwordStdin?: boolean;
}

async function ask(ctx: CliContext, given: string | undefined, what: string): Promise<string> {
  if (given !== undefined) return given;
  ctx.io.requireInteractive(what.toLowerCase(), `pass --${what.toLowerCase()}`);
  const { input } = await import('@inquirer/prompts');
  return input({ message: what });
}

async function register(ctx: CliContext, o: RegisterOptions): Promise<void> {
  const username = await ask(ctx, o.username, 'Username');
  const email = await ask(ctx, o.email, 'Email');
  const { readSecrets } = await import('./account/secrets.ts');
  const [password] = await readSecrets(ctx, o, [{ message: 'Password', repeat: true }]);
  const { ApiClient } = await import('../client.ts');
  const { saveSession } = await import('../session.ts');
  const { data } = await new ApiClient({ baseUrl: ctx.apiUrl }).call('auth.register', {
    body: { username, email, password: password! },
  });
  await saveSession(ctx, data);
  if (ctx.io.format !== 'table')
    return ctx.io.print(
      {
        api: ctx.apiUrl,
        username: data.user.username,
        role: data.user.role,
        profile: ctx.profileName,
      },
      [],
    );
  ctx.io.success(`Registered ${data.user.username} at ${ctx.apiUrl} and signed in`);
}

export function registerRegister(program: Command, run: CommandRunner): void {
  program
    .command('register')
    .description('create a player account and sign in with it')
    .option('-u, --username <name>', '3-20 letters, digits, _ or - (prompted on a terminal)')
    .option('--email <address>', 'for password resets (prompted on a terminal)')
    .option('--password-stdin', 'read the password from stdin instead of prompting')
    .addHelpText(
      'after',
      `
Passwords are 8-128 characters, not the username, the email or a common password.`,
    )
    .action(run((ctx, o: RegisterOptions) => register(ctx, o)));
}
