/**
 * How stats commands show what they fetched: on a terminal a table and, with
 * --chart, a line chart as wide as the terminal; in a pipe plain text
 * (`key: value` lines and the series as columns); with -o json|yaml the data,
 * with -o csv the raw series.
 */
import { AppError } from '../../../api/contract/errors.ts';
import type { CliContext } from '../../context.ts';
import type { Column } from '../../io.ts';
import type { ChartSeries } from '../../render/chart.ts';

export type Mode = 'tty' | 'plain' | 'data';

export function modeOf(ctx: CliContext): Mode {
  const explicit = ctx.io.options.format;
  if (explicit === 'json' || explicit === 'yaml' || explicit === 'csv') return 'data';
  return ctx.io.options.stdout.isTTY || explicit === 'table' ? 'tty' : 'plain';
}

export interface Series<Row> {
  title: string;
  yLabel: string;
  xLabel: string;
  rows: Row[];
  x: (row: Row) => string;
  lines: { name: string; value: (row: Row) => number }[];
}

/** Prints a series: the chart on a terminal, aligned columns in a pipe, rows for -o json|yaml|csv. */
export async function printSeries<Row>(ctx: CliContext, series: Series<Row>): Promise<void> {
  const mode = modeOf(ctx);
  const columns: Column<Row>[] = [
    { header: series.xLabel, value: series.x },
    ...series.lines.map((l) => ({ header: l.name, value: l.value })),
  ];
  if (mode === 'data') return ctx.io.print(series.rows, columns);
  if (mode === 'plain') {
    ctx.io.out(`# ${series.title} (${series.yLabel})`);
    ctx.io.out(columns.map((c) => c.header).join('\t'));
    for (const row of series.rows) ctx.io.out(columns.map((c) => String(c.value(row))).join('\t'));
    return;
  }
  const { renderChart } = await import('../../render/chart.ts');
  const lines: ChartSeries[] = series.lines.map((l) => ({
    name: l.name,
    values: series.rows.map(l.value),
  }));
  ctx.io.out(
    renderChart(lines, {
      title: series.title,
      yLabel: series.yLabel,
      xLabel: series.xLabel,
      xLabels: series.rows.map(series.x),
      width: ctx.io.options.width ?? 80,
      height: 10,
      color: ctx.io.options.color,
    }),
  );
}

/** Prints a summary record: a two-column table on a terminal, `key: value` lines in a pipe. */
export async function printSummary(
  ctx: CliContext,
  record: Record<string, unknown>,
): Promise<void> {
  if (modeOf(ctx) === 'plain') {
    for (const [key, value] of Object.entries(record))
      ctx.io.out(
        `${key}: ${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`,
      );
    return;
  }
  await ctx.io.printRecord(record);
}

/** Prints rows as a table on a terminal, tab-separated in a pipe. */
export async function printRows<Row>(
  ctx: CliContext,
  title: string,
  rows: Row[],
  columns: Column<Row>[],
): Promise<void> {
  if (modeOf(ctx) === 'plain') {
    ctx.io.out(`# ${title}`);
    ctx.io.out(columns.map((c) => c.header).join('\t'));
    for (const row of rows) ctx.io.out(columns.map((c) => String(c.value(row))).join('\t'));
    return;
  }
  ctx.io.out('');
  ctx.io.out(ctx.io.paint('bold', title));
  await ctx.io.print(rows, columns);
}

/** `--days` as a whole number of days (1–365). */
export function parseDays(text: string | undefined): number {
  const n = Number(text ?? '30');
  if (!Number.isInteger(n) || n < 1 || n > 365)
    throw new AppError('VALIDATION', '--days must be a whole number from 1 to 365');
  return n;
}
