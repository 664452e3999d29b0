/**
 * The CLI's terminal: data on stdout, messages on stderr, tables and colour
 * only on a TTY, json/yaml for scripts, prompts only when input is interactive.
 */
import { AppError } from '../api/contract/errors.ts';

export type OutputFormat = 'table' | 'json' | 'yaml' | 'csv';

export interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface IoOptions {
  stdout: Stream;
  stderr: Stream;
  stdinIsTTY: boolean;
  format: OutputFormat | undefined;
  color: boolean;
  interactive: boolean;
  quiet: boolean;
  verbose: boolean;
  /** Columns of the terminal (or $COLUMNS), which tables fit into; undefined in a pipe. */
  width?: number;
}

export interface Column<Row> {
  header: string;
  value: (row: Row) => unknown;
}

/** RFC 4180 text: a header row, then one row per item; fields with commas, quotes or line breaks are quoted. */
export function toCsv<Row>(rows: Row[], columns: Column<Row>[]): string {
  const field = (value: unknown): string => {
    const text =
      value === null || value === undefined
        ? ''
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [
    columns.map((c) => field(c.header)),
    ...rows.map((row) => columns.map((c) => field(c.value(row)))),
  ];
  return lines.map((cells) => cells.join(',')).join('\r\n') + '\r\n';
}

/** One column per field, in first-seen order: CSV for data printed without a column list. */
export function fieldColumns<Row>(rows: Row[]): Column<Row>[] {
  const keys = new Set<string>();
  for (const row of rows)
    if (row && typeof row === 'object') for (const key of Object.keys(row)) keys.add(key);
  return [...keys].map((key) => ({
    header: key,
    value: (row) => (row as Record<string, unknown>)[key],
  }));
}

const ansi = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

export class Io {
  readonly options: IoOptions;

  constructor(options: IoOptions) {
    this.options = options;
  }

  /** The output format: what was asked for, else a table on a TTY and JSON in a pipe. */
  get format(): OutputFormat {
    return this.options.format ?? (this.options.stdout.isTTY ? 'table' : 'json');
  }

  get canPrompt(): boolean {
    return this.options.interactive && this.options.stdinIsTTY;
  }

  paint(style: keyof typeof ansi, text: string): string {
    return this.options.color ? `\u001b[${ansi[style]}m${text}\u001b[0m` : text;
  }

  /** A line of data on stdout. */
  out(line: string): void {
    this.options.stdout.write(`${line}\n`);
  }

  /** A status message on stderr, hidden by --quiet. */
  info(message: string): void {
    if (!this.options.quiet) this.options.stderr.write(`${message}\n`);
  }

  /** A success message on stderr, hidden by --quiet. */
  success(message: string): void {
    this.info(`${this.paint('green', '✓')} ${message}`);
  }

  warn(message: string): void {
    this.options.stderr.write(`${this.paint('yellow', 'warning:')} ${message}\n`);
  }

  error(message: string): void {
    this.options.stderr.write(`${this.paint('red', 'error:')} ${message}\n`);
  }

  debug(message: string): void {
    if (this.options.verbose) this.options.stderr.write(`${this.paint('dim', message)}\n`);
  }

  /** Prints data in the chosen format; rows become a table on a TTY. */
  async print<Row>(data: Row[] | Row, columns: Column<Row>[]): Promise<void> {
    const format = this.format;
    if (format === 'json') return this.out(JSON.stringify(data, null, 2));
    if (format === 'yaml') {
      const { stringify } = await import('yaml');
      return this.options.stdout.write(stringify(data)) as void;
    }
    const rows = Array.isArray(data) ? data : [data];
    if (format === 'csv') {
      const csvColumns = columns.length > 0 ? columns : fieldColumns(rows);
      return this.options.stdout.write(toCsv(rows, csvColumns)) as void;
    }
    const { renderTable } = await import('./render/table.ts');
    this.out(renderTable(rows, columns, { color: this.options.color, width: this.options.width }));
  }

  /** Prints key/value pairs: a two-column table, or the object itself for json/yaml. */
  async printRecord(record: Record<string, unknown>): Promise<void> {
    const rows = Object.entries(record).map(([key, value]) => ({ key, value }));
    if (this.format === 'csv')
      return this.print(rows, [
        { header: 'key', value: (r) => r.key },
        { header: 'value', value: (r) => r.value },
      ]);
    if (this.format !== 'table') return this.print(record, []);
    const { renderKeyValue } = await import('./render/table.ts');
    this.out(renderKeyValue(rows, { color: this.options.color }));
  }

  /**
   * Fails with a usage error instead of prompting when input is not
   * interactive, in the one wording every command uses: what could not be
   * asked for, and what to pass instead.
   */
  requireInteractive(what: string, instead: string): void {
    if (!this.canPrompt) {
      throw new AppError('VALIDATION', `cannot ask for ${what} without a terminal: ${instead}`);
    }
  }
}
