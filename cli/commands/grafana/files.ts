/** `grafana render` and `grafana lint`: offline work on the committed files. */
import { dataSources, fromEnv } from '../../../ops/grafana/datasources.ts';
import { lintDashboards } from '../../../ops/grafana/lint.ts';
import { staleFiles, writeFiles } from '../../../ops/grafana/render.ts';
import { renderDashboards } from '../../../ops/grafana/dashboard-builders/index.ts';
import { opsPaths } from '../../../ops/prometheus/paths.ts';
import type { CliContext } from '../../context.ts';

export async function render(ctx: CliContext, opts: { check?: boolean }): Promise<number> {
  if (opts.check) {
    const stale = staleFiles();
    if (ctx.io.format !== 'table') await ctx.io.print({ stale }, []);
    else for (const file of stale) ctx.io.out(`ops/grafana/${file}`);
    if (stale.length)
      ctx.io.error(
        `${stale.length} file(s) differ from the TypeScript sources: run pongctl grafana render`,
      );
    else ctx.io.success('committed dashboards and provisioning files are up to date');
    return stale.length ? 1 : 0;
  }
  const written = writeFiles();
  for (const file of written) ctx.io.out(`ops/grafana/${file}`);
  ctx.io.success(`rendered ${written.length} file(s)`);
  return 0;
}

export async function lint(ctx: CliContext): Promise<number> {
  const problems = await lintDashboards(
    renderDashboards(),
    dataSources(fromEnv({})),
    opsPaths.rulesDir,
  );
  const stale = staleFiles().map((file) => ({
    uid: file,
    message: 'committed file is stale: run pongctl grafana render',
  }));
  const all = [...problems, ...stale];
  if (ctx.io.format !== 'table') await ctx.io.print({ ok: all.length === 0, problems: all }, []);
  else
    for (const p of all)
      ctx.io.out(`${p.uid}${'panel' in p && p.panel ? ` / ${p.panel}` : ''}: ${p.message}`);
  if (all.length) ctx.io.error(`${all.length} problem(s)`);
  else ctx.io.success('dashboards pass the JSON Schema and the semantic checks');
  return all.length ? 1 : 0;
}
