/** `alerts lint` and `alerts test`: print what failed, exit 1 when anything did. */
import { lintAlerts, testAlerts } from '../../../ops/prometheus/check.ts';
import type { CliContext } from '../../context.ts';
import { monitoringPaths } from './targets.ts';

export async function lint(
  ctx: CliContext,
  opts: { rules?: string; tests?: string },
): Promise<number> {
  const report = await lintAlerts(monitoringPaths(opts), ctx.env.PATH);
  if (ctx.io.format === 'json' || ctx.io.format === 'yaml') {
    await ctx.io.print(
      {
        ok: report.ok,
        promtool: report.promtool.stdout + report.promtool.stderr,
        problems: report.problems,
      },
      [],
    );
  } else {
    if (report.promtool.code !== 0)
      ctx.io.error(
        `promtool check rules failed:\n${report.promtool.stdout}${report.promtool.stderr}`.trim(),
      );
    for (const p of report.problems)
      ctx.io.out(`${p.file}${p.rule ? ` ${p.rule}` : ''}: ${p.message}`);
  }
  if (report.ok) ctx.io.success('alert rules pass promtool and the policy');
  else
    ctx.io.error(
      `${report.problems.length} policy problem(s)${report.promtool.code !== 0 ? ', promtool failed' : ''}`,
    );
  return report.ok ? 0 : 1;
}

export async function test(ctx: CliContext, opts: { tests?: string }): Promise<number> {
  const report = await testAlerts(monitoringPaths(opts), ctx.env.PATH);
  if (ctx.io.format === 'json' || ctx.io.format === 'yaml') {
    await ctx.io.print(
      {
        ok: report.ok,
        promtool: report.promtool.stdout,
        amtool: report.amtoolCheck.stdout + report.amtoolCheck.stderr,
        routes: report.routes,
      },
      [],
    );
  } else {
    if (report.promtool.code !== 0)
      ctx.io.out(`${report.promtool.stdout}${report.promtool.stderr}`.trim());
    if (report.amtoolCheck.code !== 0)
      ctx.io.out(`${report.amtoolCheck.stdout}${report.amtoolCheck.stderr}`.trim());
    for (const r of report.routes) {
      const labels = Object.entries(r.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      ctx.io.out(
        `${r.ok ? 'ok  ' : 'FAIL'} route ${labels} -> ${r.receivers.join(',')}${r.ok ? '' : `\n  ${r.output}`}`,
      );
    }
  }
  if (report.ok) ctx.io.success('promtool unit tests, amtool config check and routing tests pass');
  else ctx.io.error('alert tests failed');
  return report.ok ? 0 : 1;
}
