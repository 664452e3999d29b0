/**
 * Pulls metric names and grouping labels out of a PromQL expression without a
 * full parser: strings, label matchers, ranges and grouping clauses are cut
 * out first, then every identifier that is not a function, keyword or number
 * is a metric name. Good enough for linting our own rules and panels.
 */

const keywords = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
  'atan2',
  // aggregations written with the clause before the parentheses: `sum by (x) (...)`
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
]);

/** Grafana's template variables and macros are not metrics. */
function stripGrafana(expr: string): string {
  return expr.replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, '1m');
}

export interface PromqlParts {
  metrics: string[];
  /** Label names in by/without/on/ignoring/group_* clauses. */
  groupingLabels: string[];
}

export function promqlParts(input: string): PromqlParts {
  let expr = stripGrafana(input);
  expr = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  expr = expr.replace(/#[^\n]*/g, '');
  const groupingLabels: string[] = [];
  expr = expr.replace(
    /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g,
    (_m, _kw: string, list: string) => {
      for (const label of list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean))
        groupingLabels.push(label);
      return ' ';
    },
  );
  expr = expr.replace(/\{[^}]*\}/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  const metrics = new Set<string>();
  const identifier = /([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g;
  for (const match of expr.matchAll(identifier)) {
    const [, name, call] = match;
    const before = expr[match.index - 1];
    if (call || keywords.has(name!.toLowerCase())) continue;
    // 1e9, 0x1f and duration suffixes (5m) are parts of numbers
    if (before !== undefined && /[0-9.]/.test(before)) continue;
    metrics.add(name!);
  }
  return { metrics: [...metrics].sort(), groupingLabels: [...new Set(groupingLabels)].sort() };
}
