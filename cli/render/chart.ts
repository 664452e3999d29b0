/**
 * Line charts for the terminal: asciichart draws the lines; this module fits
 * the series to the width it is given (averaging or stretching points), and
 * adds what asciichart leaves out: a title with the unit of the y axis, an
 * x axis with first/middle/last labels and its name, and a legend. Pure: the
 * same input gives the same text (snapshot-tested).
 */
import asciichart from 'asciichart';

export interface ChartSeries {
  name: string;
  values: readonly number[];
}

export interface ChartOptions {
  title: string;
  /** Unit or name of the y axis, shown in the title line. */
  yLabel: string;
  /** Name of the x axis, shown under its labels. */
  xLabel: string;
  /** One label per point of the series (dates, point numbers). */
  xLabels: readonly string[];
  /** Total width in columns (the terminal's). */
  width: number;
  height?: number;
  color: boolean;
}

const palette = [asciichart.cyan, asciichart.magenta, asciichart.green, asciichart.yellow];
const OFFSET = 3;

/** Exactly `columns` points: averages of consecutive points, or points repeated. */
export function fitValues(values: readonly number[], columns: number): number[] {
  const n = values.length;
  if (n === 0 || columns <= 0) return [];
  const out: number[] = [];
  for (let i = 0; i < columns; i++) {
    const start = Math.floor((i * n) / columns);
    const end = Math.max(start + 1, Math.floor(((i + 1) * n) / columns));
    const slice = values.slice(start, end);
    out.push(slice.reduce((a, b) => a + b, 0) / slice.length);
  }
  return out;
}

function formatter(min: number, max: number): { format: (v: number) => string; width: number } {
  const decimals =
    max - min >= 20 || (Number.isInteger(max - min) && max - min >= 5) ? 0 : max - min >= 2 ? 1 : 2;
  const raw = (v: number) => v.toFixed(decimals);
  const width = Math.max(raw(min).length, raw(max).length);
  return { format: (v) => raw(v).padStart(width), width };
}

function xAxis(labels: readonly string[], indent: number, columns: number): string[] {
  const line = `${' '.repeat(indent)}└${'─'.repeat(columns)}`;
  if (labels.length === 0) return [line];
  const row = Array.from({ length: indent + 1 + columns }, () => ' ');
  const place = (text: string, at: number) => {
    const start = Math.max(0, Math.min(row.length - text.length, at));
    for (let i = 0; i < text.length; i++) row[start + i] = text[i]!;
  };
  place(labels[0]!, indent + 1);
  if (labels.length > 2 && columns > labels[0]!.length * 3 + 6)
    place(
      labels[Math.floor(labels.length / 2)]!,
      indent + 1 + Math.floor(columns / 2) - Math.floor(labels[0]!.length / 2),
    );
  if (labels.length > 1) place(labels.at(-1)!, row.length - labels.at(-1)!.length);
  return [line, row.join('').trimEnd()];
}

function legend(series: readonly ChartSeries[], color: boolean): string {
  return series
    .map(
      (s, i) => `${color ? `${palette[i % palette.length]}──${asciichart.reset}` : '──'} ${s.name}`,
    )
    .join('   ');
}

/**
 * The chart as text; series of different lengths are fitted to the same
 * width. Without colour, lines of several series could not be told apart, so
 * each gets its own chart.
 */
export function renderChart(series: readonly ChartSeries[], options: ChartOptions): string {
  if (!options.color && series.length > 1)
    return series
      .map((s) => renderChart([s], { ...options, title: `${options.title}: ${s.name}` }))
      .join('\n\n');
  const all = series.flatMap((s) => [...s.values]);
  if (all.length === 0) return `${options.title}\n(no data)`;
  const [min, max] = [Math.min(...all), Math.max(...all)];
  const { format, width: labelWidth } = formatter(min, max === min ? min + 1 : max);
  const columns = Math.max(10, options.width - labelWidth - OFFSET - 1);
  const fitted = series.map((s) => fitValues(s.values, columns));
  const plot = asciichart.plot(fitted, {
    height: options.height ?? 10,
    offset: OFFSET,
    padding: ' '.repeat(labelWidth),
    format,
    colors: options.color ? palette : undefined,
    min,
    max: max === min ? min + 1 : max,
  });
  const lines = [
    `${options.title} (${options.yLabel})`,
    ...plot.split('\n').map((l) => l.trimEnd()),
  ];
  const indent = labelWidth + OFFSET - 2;
  lines.push(
    ...xAxis(options.xLabels, indent, columns),
    `${' '.repeat(indent + 1)}${options.xLabel}`,
    legend(series, options.color),
  );
  return lines.join('\n');
}
