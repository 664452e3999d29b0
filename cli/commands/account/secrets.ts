/**
 * Passwords for `register` and `password …`: read from stdin with
 * --password-stdin (one per line, in the order the command documents), or
 * prompted on a terminal (new passwords twice). Never taken as flags.
 */
import type { CliContext } from '../../context.ts';

export interface SecretPrompt {
  message: string;
  /** A new password: prompted twice, and both must match. */
  repeat?: boolean;
}

export async function readSecrets(
  ctx: CliContext,
  o: { passwordStdin?: boolean },
  wanted: readonly SecretPrompt[],
): Promise<string[]> {
  const { AppError } = await import('../../../api/contract/errors.ts');
  if (o.passwordStdin) {
    const { readStdin } = await import('../../prompt.ts');
    const lines = (await readStdin()).split(/\r?\n/);
    if (lines.length < wanted.length || lines.slice(0, wanted.length).some((l) => l === ''))
      throw new AppError(
        'VALIDATION',
        `--password-stdin expects ${wanted.length === 1 ? 'the password' : `${wanted.length} lines: ${wanted.map((w) => w.message.toLowerCase()).join(', then ')}`} on stdin`,
      );
    return lines.slice(0, wanted.length);
  }
  ctx.io.requireInteractive(wanted[0]!.message.toLowerCase(), 'pipe it to --password-stdin');
  const { password } = await import('@inquirer/prompts');
  const out: string[] = [];
  for (const w of wanted) {
    const value = await password({ message: w.message, mask: '*' });
    if (w.repeat && value !== (await password({ message: `Repeat: ${w.message}`, mask: '*' })))
      throw new AppError('VALIDATION', 'The two passwords differ');
    out.push(value);
  }
  return out;
}
