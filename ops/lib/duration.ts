/**
 * The one reader of durations written the way Prometheus, Alertmanager,
 * Elasticsearch and the CLI write them: a number and a unit, or several in a
 * row (`90s`, `7d`, `1h30m`). Lives in ops/lib because both ops/ and cli/ may
 * import it. Each caller states which units it accepts.
 */
const unitMs = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
} as const;

export type DurationUnit = keyof typeof unitMs;

export const allDurationUnits = Object.keys(unitMs) as DurationUnit[];

/** Milliseconds of `text`, or undefined when it is not a run of `<digits><unit>` parts in `units`. */
export function durationMs(
  text: string | undefined,
  units: readonly DurationUnit[] = allDurationUnits,
): number | undefined {
  if (!text) return undefined;
  // Longest unit names first, so `ms` is not read as `m` followed by junk.
  const alternatives = [...units].sort((a, b) => b.length - a.length).join('|');
  const part = new RegExp(`(\\d+)(${alternatives})`, 'gy');
  let total = 0;
  for (let match = part.exec(text); match; match = part.exec(text)) {
    total += Number(match[1]) * unitMs[match[2] as DurationUnit];
    if (part.lastIndex === text.length) return total;
  }
  return undefined;
}
