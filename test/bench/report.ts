/** Renders benchmark rows as the console table, markdown (for the README) and JSON. */
import os from 'node:os';
import type { BenchTarget, ResultRow } from './harness.ts';
import { formatNumber } from './stats.ts';

function targetText(target: BenchTarget | null): string {
  if (!target) return '-';
  return `${target.of} ${target.op} ${target.value}`;
}

function cells(row: ResultRow): string[] {
  const value = row.value === null ? '-' : `${formatNumber(row.value)} ${row.unit}`;
  const reference = row.reference
    ? `${formatNumber(row.reference.value)} ${row.unit} (${row.reference.name})`
    : '-';
  const ratio = row.ratio === null ? '-' : row.ratio.toFixed(2);
  // The table gets the first line of an error; latest.json keeps all of it.
  const verdict =
    row.verdict === 'error'
      ? `ERROR: ${(row.error ?? '').split('\n')[0]!.slice(0, 120)}`
      : row.verdict;
  return [row.name, value, reference, ratio, targetText(row.target), verdict];
}

const headers = ['benchmark', 'value', 'reference', 'ratio', 'target', 'result'];

/** A fixed-width text table for the terminal. */
export function textTable(rows: readonly ResultRow[]): string {
  const body = rows.map(cells);
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...body.map((r) => Math.min(r[i]!.length, 90))),
  );
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The same table as markdown, ready for the README. */
export function markdownTable(rows: readonly ResultRow[]): string {
  const escape = (s: string): string => s.replace(/\|/g, '\\|');
  const out = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const row of rows) out.push(`| ${cells(row).map(escape).join(' | ')} |`);
  return out.join('\n');
}

export interface Report {
  date: string;
  quick: boolean;
  node: string;
  machine: { cpus: number; model: string; platform: string };
  rows: ResultRow[];
}

export function buildReport(rows: ResultRow[], quick: boolean): Report {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    quick,
    node: process.version,
    machine: {
      cpus: cpus.length,
      model: cpus[0]?.model ?? 'unknown',
      platform: `${os.platform()} ${os.release()}`,
    },
    rows,
  };
}
