/** Terminal tables with cli-table3, borderless in the style of gh. */
import Table from 'cli-table3';
import type { Column } from '../io.ts';

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const borderless = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

export function renderTable<Row>(
  rows: Row[],
  columns: Column<Row>[],
  options: { color: boolean; width?: number },
): string {
  const table = new Table({
    head: columns.map((c) => c.header),
    chars: borderless,
    style: {
      head: options.color ? ['bold'] : [],
      border: [],
      'padding-left': 0,
      'padding-right': 0,
    },
  });
  for (const row of rows) table.push(columns.map((c) => cell(c.value(row))));
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

export function renderKeyValue(
  rows: { key: string; value: unknown }[],
  options: { color: boolean },
): string {
  const width = Math.max(0, ...rows.map((r) => r.key.length));
  return rows
    .map(({ key, value }) => {
      const label = `${key}:`.padEnd(width + 2);
      return `${options.color ? `\u001b[1m${label}\u001b[0m` : label}${cell(value)}`;
    })
    .join('\n');
}
