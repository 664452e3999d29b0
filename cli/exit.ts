/** The CLI's one exit point: renders any error on stderr and picks its exit code. */
import { AppError, errorTable } from '../api/contract/errors.ts';

function detailLines(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  return details.map((d) => {
    if (typeof d === 'string') return d;
    const entry = d as { variable?: string; path?: string; message?: string };
    const where = entry.variable ?? entry.path;
    return where ? `${where}: ${entry.message}` : String(entry.message ?? JSON.stringify(d));
  });
}

/** "40 seconds", "15 minutes", "2 hours": how long a Retry-After of `seconds` asks to wait. */
export function waitText(seconds: number): string {
  const [value, unit] =
    seconds < 120
      ? [seconds, 'second']
      : seconds < 7200
        ? [Math.ceil(seconds / 60), 'minute']
        : [Math.ceil(seconds / 3600), 'hour'];
  return `${value} ${unit}${value === 1 ? '' : 's'}`;
}

/** Inquirer's error when the person presses Ctrl-C at a prompt. */
const promptInterrupted = (err: unknown) => err instanceof Error && err.name === 'ExitPromptError';

export function reportError(err: unknown, stderr: { write(s: string): unknown }): number {
  // Ctrl-C at a prompt: the shell's convention for SIGINT, and nothing to explain.
  if (promptInterrupted(err)) return 130;
  if (err instanceof AppError) {
    const lines = detailLines(err.details);
    if (err.code === 'CONFIG' && lines.length > 0) {
      for (const line of lines) stderr.write(`error: ${line}\n`);
    } else {
      stderr.write(`error: ${err.message}\n`);
      for (const line of lines) stderr.write(`  ${line}\n`);
    }
    const retryAfter = Number(err.headers['Retry-After']);
    if (err.code === 'RATE_LIMITED' && retryAfter > 0)
      stderr.write(`  try again in ${waitText(retryAfter)}\n`);
    return errorTable[err.code].exit;
  }
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(`error: ${message}\n`);
  return 1;
}
