/** Parses CLI time arguments: durations like 30m, 24h, 7d, 2w, and absolute dates. */
import { AppError } from '../api/contract/errors.ts';

const units: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Milliseconds of `7d`, `24h`, `30m`…; a usage error otherwise. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (!match || Number(match[1]) <= 0)
    throw new AppError(
      'VALIDATION',
      `${flag} must be a duration like 30m, 24h, 7d or 2w (got "${text}")`,
    );
  return Number(match[1]) * units[match[2]!]!;
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
  return /^\d+\s*[smhdw]$/.test(text.trim())
    ? new Date(Date.now() - parseDuration(text, '--since')).toISOString()
    : parseDate(text, '--since');
}
