/** `alerts diff`, `alerts apply` and `alerts render`. */
import { readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { renderAlertmanagerConfig } from '../../../ops/alertmanager/render.ts';
import { diffExit } from '../../../ops/lib/exit-codes.ts';
import {
  applyChanges,
  hasDifferences,
  planJson,
  renderPlan,
  type Change,
} from '../../../ops/lib/plan.ts';
import {
  applyRuleFileChange,
  desiredRuleFiles,
  planLoaded,
  planRuleFiles,
  readLiveRuleFiles,
  waitUntilLoaded,
  type RuleFileState,
} from '../../../ops/prometheus/apply.ts';
import { prometheusClient } from '../../../ops/prometheus/live.ts';
import { opsPaths } from '../../../ops/prometheus/paths.ts';
import type { CliContext } from '../../context.ts';
import { monitoringPaths, prometheusUrl, required } from './shared.ts';

interface ApplyOptions {
  prometheus?: string;
  rulesDir?: string;
  prune?: boolean;
  dryRun?: boolean;
  rules?: string;
}

function target(ctx: CliContext, opts: ApplyOptions) {
  const dir = required(
    opts.rulesDir ?? ctx.env.PONGCTL_PROMETHEUS_RULES_DIR,
    "Prometheus's rules directory",
    '--rules-dir',
    'PONGCTL_PROMETHEUS_RULES_DIR',
  );
  return {
    dir,
    url: prometheusUrl(ctx, opts),
    desired: desiredRuleFiles(monitoringPaths(opts).rulesDir),
  };
}

async function printPlan(ctx: CliContext, changes: Change[]): Promise<void> {
  if (ctx.io.format === 'json' || ctx.io.format === 'yaml')
    await ctx.io.print(planJson(changes), []);
  else ctx.io.out(renderPlan(changes, { color: ctx.io.options.color }));
}

export async function diff(ctx: CliContext, opts: ApplyOptions): Promise<number> {
  const { dir, url, desired } = target(ctx, opts);
  const files = planRuleFiles(desired, readLiveRuleFiles(dir), Boolean(opts.prune));
  const loaded = planLoaded(desired, await prometheusClient(url).rules());
  const changes = [...files, ...loaded];
  await printPlan(ctx, changes);
  return hasDifferences(changes) ? diffExit.different : diffExit.same;
}

export async function apply(ctx: CliContext, opts: ApplyOptions): Promise<number> {
  const { dir, url, desired } = target(ctx, opts);
  const client = prometheusClient(url);
  const changes = planRuleFiles(desired, readLiveRuleFiles(dir), Boolean(opts.prune));
  const loadedBefore = planLoaded(desired, await client.rules());
  if (!hasDifferences(changes) && !hasDifferences(loadedBefore)) {
    if (ctx.io.format !== 'table')
      await ctx.io.print({ ...(planJson(changes) as object), applied: [] }, []);
    ctx.io.success('no changes: the rule files and what Prometheus loaded match the desired rules');
    return 0;
  }
  if (hasDifferences(changes) || opts.dryRun) await printPlan(ctx, changes);
  const result = await applyChanges<RuleFileState>(
    changes,
    {
      create: async (c) => applyRuleFileChange(dir, c),
      update: async (c) => applyRuleFileChange(dir, c),
      delete: async (c) => applyRuleFileChange(dir, c),
    },
    { dryRun: opts.dryRun },
  );
  if (opts.dryRun) {
    ctx.io.info('dry run: nothing written');
    return 0;
  }
  await client.reload();
  await waitUntilLoaded(client, desired);
  if (ctx.io.format !== 'table')
    await ctx.io.print({ ...(planJson(changes) as object), applied: result.applied }, []);
  ctx.io.success(
    `applied ${result.applied.length} rule file change(s); Prometheus reloaded and reports the desired rules`,
  );
  return 0;
}

export async function render(ctx: CliContext, opts: { out: string }): Promise<void> {
  const text = renderAlertmanagerConfig(readFileSync(opsPaths.alertmanagerConfig, 'utf8'), ctx.env);
  writeFileSync(opts.out, text, { mode: 0o600 });
  chmodSync(opts.out, 0o600);
  ctx.io.success(`wrote ${opts.out} (mode 0600)`);
}
