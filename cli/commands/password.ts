/**
 * `pongctl password change` (signed in: current and new password) and
 * `pongctl password reset request --email` / `reset confirm --token` (the
 * forgotten-password flow; the link in the mail carries the token, which
 * the reset page or this command takes).
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';

async function change(ctx: CliContext, o: { passwordStdin?: boolean }): Promise<void> {
  const { readSecrets } = await import('./account/secrets.ts');
  const [currentPassword, newPassword] = await readSecrets(ctx, o, [
    { message: 'Current password' },
    { message: 'New password', repeat: true },
  ]);
  const { withSession } = await import('../session.ts');
  const { data } = await withSession(ctx, (client) =>
    client.call('me.changePassword', {
      body: { currentPassword: currentPassword!, newPassword: newPassword! },
    }),
  );
  if (ctx.io.format !== 'table') return ctx.io.print(data, []);
  ctx.io.success(
    `Password changed; ${data.revokedSessions} other session${data.revokedSessions === 1 ? '' : 's'} signed out`,
  );
}

async function request(ctx: CliContext, o: { email: string }): Promise<void> {
  const { ApiClient } = await import('../client.ts');
  await new ApiClient({ baseUrl: ctx.apiUrl }).call('auth.passwordResetRequest', {
    body: { email: o.email },
  });
  ctx.io.success(
    `If ${o.email} belongs to an account, a reset link is on its way (without SMTP, an admin reads it with \`pongctl mail list\`)`,
  );
}

async function confirm(
  ctx: CliContext,
  o: { token: string; passwordStdin?: boolean },
): Promise<void> {
  const { readSecrets } = await import('./account/secrets.ts');
  const [password] = await readSecrets(ctx, o, [{ message: 'New password', repeat: true }]);
  const { ApiClient } = await import('../client.ts');
  // The token may come as the whole link.
  const token = /[?&]token=([^&#]+)/.exec(o.token)?.[1] ?? o.token;
  await new ApiClient({ baseUrl: ctx.apiUrl }).call('auth.passwordResetConfirm', {
    body: { token: decodeURIComponent(token), password: password! },
  });
  ctx.io.success('Password changed; every session was signed out. Sign in with `pongctl login`');
}

export function registerPassword(program: Command, run: CommandRunner): void {
  const password = program
    .command('password')
    .description('change your password, or reset a forgotten one');
  password
    .command('change')
    .description('change your password (signed in); your other sessions are signed out')
    .option(
      '--password-stdin',
      'read the current password, then the new one, one per line from stdin',
    )
    .action(run((ctx, o: { passwordStdin?: boolean }) => change(ctx, o)));
  const reset = password.command('reset').description('reset a forgotten password by mail');
  reset
    .command('request')
    .description(
      'mail a reset link to the address of an account (the answer never says whether it exists)',
    )
    .requiredOption('--email <address>', 'the address of the account')
    .action(run((ctx, o: { email: string }) => request(ctx, o)));
  reset
    .command('confirm')
    .description('set a new password with the token from the reset link')
    .requiredOption('--token <token>', 'the token from the link (or the whole link)')
    .option('--password-stdin', 'read the new password from stdin')
    .action(run((ctx, o: { token: string; passwordStdin?: boolean }) => confirm(ctx, o)));
}
