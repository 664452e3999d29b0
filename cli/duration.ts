/** Parses CLI time arguments: durations like 30m, 24h, 7d, 2w, and absolute dates. */
import { AppError } from '../api/contract/errors.ts';
import { durationMs, type DurationUnit } from '../ops/lib/duration.ts';

const cliUnits: readonly DurationUnit[] = ['s', 'm', 'h', 'd', 'w'];

/** Milliseconds of `7d`, `24h`, `30m`, `1h30m`…; a usage error otherwise. */
export function parseDuration(text: string, flag: string): number {
  const ms = durationMs(text.trim(), cliUnits);
  if (!ms)
    throw new AppError(
      'VALIDATION',
      `${flag} must be a duration like 30m, 24h, 7d or 2w (got "${text}")`,
    );
  return ms;
}

/** An ISO timestamp from a date (2026-12-01, or a full ISO time); a usage error otherwise. */
export function parseDate(text: string, flag: string): string {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms))
    throw new AppError(
      'VALIDATION',
      `${flag} must be a date like 2026-12-31 or 2026-12-31T18:00:00Z (got "${text}")`,
    );
  return new Date(ms).toISOString();
}

/** `--since`: a duration back from now, or a date. */
export function parseSince(text: string): string {
  return durationMs(text.trim(), cliUnits) !== undefined
    ? new Date(Date.now() - parseDuration(text, '--since')).toISOString()
    : parseDate(text, '--since');
}
