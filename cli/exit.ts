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

export function reportError(err: unknown, stderr: { write(s: string): unknown }): number {
  if (err instanceof AppError) {
    const lines = detailLines(err.details);
    if (err.code === 'CONFIG' && lines.length > 0) {
      for (const line of lines) stderr.write(`error: ${line}\n`);
    } else {
      stderr.write(`error: ${err.message}\n`);
      for (const line of lines) stderr.write(`  ${line}\n`);
    }
    return errorTable[err.code].exit;
  }
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(`error: ${message}\n`);
  return 1;
}
