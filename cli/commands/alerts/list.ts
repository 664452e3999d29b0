/** `alerts list [--live]`: the rules in the files, or their state in Prometheus, firing first. */
import { prometheusClient } from '../../../ops/prometheus/live.ts';
import { flattenAlerts, loadRuleFiles } from '../../../ops/prometheus/rule-files.ts';
import type { CliContext } from '../../context.ts';
import { monitoringPaths, prometheusUrl } from './targets.ts';

const stateOrder: Record<string, number> = { firing: 0, pending: 1, inactive: 2 };

export interface LiveRow {
  alert: string;
  state: string;
  severity: string;
  active: number;
  since: string;
  error: string;
}

async function liveRows(url: string): Promise<LiveRow[]> {
  const client = prometheusClient(url);
  const [groups, active] = await Promise.all([client.rules(), client.alerts()]);
  const rows: LiveRow[] = [];
  for (const group of groups) {
    for (const rule of group.rules) {
      if (rule.type !== 'alerting') continue;
      const mine = active.filter((a) => a.labels.alertname === rule.name);
      const since =
        mine
          .map((a) => a.activeAt ?? '')
          .filter(Boolean)
          .sort()[0] ?? '';
      rows.push({
        alert: rule.name,
        state: rule.state ?? 'inactive',
        severity: rule.labels?.severity ?? '',
        active: mine.length,
        since,
        error: rule.lastError ?? '',
      });
    }
  }
  return rows.sort(
    (a, b) =>
      (stateOrder[a.state] ?? 3) - (stateOrder[b.state] ?? 3) || a.alert.localeCompare(b.alert),
  );
}

export async function listAlerts(
  ctx: CliContext,
  opts: { live?: boolean; prometheus?: string; rules?: string },
): Promise<void> {
  if (opts.live) {
    const rows = await liveRows(prometheusUrl(ctx, opts));
    const paint = (s: string) =>
      s === 'firing' ? ctx.io.paint('red', s) : s === 'pending' ? ctx.io.paint('yellow', s) : s;
    return ctx.io.print(rows, [
      { header: 'ALERT', value: (r) => r.alert },
      { header: 'STATE', value: (r) => paint(r.state) },
      { header: 'SEVERITY', value: (r) => r.severity },
      { header: 'ACTIVE', value: (r) => r.active },
      { header: 'SINCE', value: (r) => r.since },
      { header: 'ERROR', value: (r) => r.error },
    ]);
  }
  const rows = flattenAlerts(loadRuleFiles(monitoringPaths(opts).rulesDir)).map((a) => ({
    alert: a.alert,
    severity: a.labels?.severity ?? '',
    for: a.for ?? '',
    file: a.file,
    group: a.group,
    summary: a.annotations?.summary ?? '',
  }));
  await ctx.io.print(rows, [
    { header: 'ALERT', value: (r) => r.alert },
    { header: 'SEVERITY', value: (r) => r.severity },
    { header: 'FOR', value: (r) => r.for },
    { header: 'FILE', value: (r) => `${r.file} (${r.group})` },
    { header: 'SUMMARY', value: (r) => r.summary },
  ]);
}
