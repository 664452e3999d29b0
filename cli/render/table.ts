/** Terminal tables with cli-table3, borderless in the style of gh. */
import { stripVTControlCharacters } from 'node:util';
import Table from 'cli-table3';
import type { Column } from '../io.ts';

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const textWidth = (text: string): number => stripVTControlCharacters(text).length;

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

const gap = borderless.middle.length;
/** No column is cut below this, so a narrow terminal still shows a hint of each (headers too). */
const minColumnWidth = 4;

/**
 * Column widths that fit `width`: the widest columns give way first, one
 * character at a time, down to `minColumnWidth`. Undefined
 * when the table fits as it is (or no width is known, as in a pipe).
 */
export function fitColumns(
  natural: readonly number[],
  minimum: readonly number[],
  width: number | undefined,
): number[] | undefined {
  if (!width) return undefined;
  const widths = [...natural];
  const budget = width - gap * (widths.length - 1);
  let total = widths.reduce((a, b) => a + b, 0);
  if (total <= budget) return undefined;
  while (total > budget) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++)
      if (widths[i]! > minimum[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    if (widest < 0) break; // every column at its minimum: the terminal wraps what is left
    widths[widest]!--;
    total--;
  }
  return widths;
}

export function renderTable<Row>(
  rows: Row[],
  columns: Column<Row>[],
  options: { color: boolean; width?: number },
): string {
  const head = columns.map((c) => c.header);
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
  const natural = head.map((h, i) => Math.max(h.length, ...cells.map((r) => textWidth(r[i]!))));
  const minimum = natural.map((w) => Math.min(w, minColumnWidth));
  const colWidths = fitColumns(natural, minimum, options.width);
  const table = new Table({
    head,
    chars: borderless,
    ...(colWidths ? { colWidths } : {}),
    style: {
      head: options.color ? ['bold'] : [],
      border: [],
      'padding-left': 0,
      'padding-right': 0,
    },
  });
  for (const row of cells) table.push(row);
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
