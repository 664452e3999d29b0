/**
 * What the CLI reads from the person or the pipe: a secret from stdin
 * (`--password-stdin`, `--token-stdin`) and the confirmation that destructive
 * verbs ask for on a terminal (`--yes` otherwise). Inquirer is imported only
 * when a prompt is really shown.
 */
import type { Io } from './io.ts';

/** All of stdin as text, without the one line break that `echo` or a file adds. */
export async function readStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * True when the verb may go ahead: `--yes` was given, or the person said yes
 * at the prompt. Without a terminal and without `--yes` it is a usage error;
 * a "no" prints `declined` and answers false.
 */
export async function confirmed(
  io: Io,
  options: { yes?: boolean },
  question: string,
  declined = 'nothing changed',
): Promise<boolean> {
  if (options.yes) return true;
  io.requireInteractive('confirmation', 'pass --yes');
  const { confirm } = await import('@inquirer/prompts');
  const ok = await confirm({ message: question, default: false });
  if (!ok) io.info(declined);
  return ok;
}
