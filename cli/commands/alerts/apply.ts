/** `alerts diff`, `alerts apply` and `alerts render`. */
import { readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { renderAlertmanagerConfig } from '../../../ops/alertmanager/render.ts';
import { diffExit } from '../../../ops/lib/exit-codes.ts';
import { hasDifferences } from '../../../ops/lib/plan.ts';
import { desiredRuleFiles } from '../../../ops/prometheus/apply.ts';
import { prometheusClient } from '../../../ops/prometheus/live.ts';
import { opsPaths } from '../../../ops/prometheus/paths.ts';
import { applyRules, inSync, planRules, type RulesTarget } from '../../../ops/prometheus/sync.ts';
import type { CliContext } from '../../context.ts';
import { printApplied, printPlan } from '../../plan-output.ts';
import { required } from '../../connections.ts';
import { monitoringPaths, prometheusUrl } from './targets.ts';

interface ApplyOptions {
  prometheus?: string;
  rulesDir?: string;
  prune?: boolean;
  dryRun?: boolean;
  rules?: string;
}

function target(ctx: CliContext, opts: ApplyOptions): RulesTarget {
  return {
    dir: required(
      opts.rulesDir ?? ctx.env.PONGCTL_PROMETHEUS_RULES_DIR,
      "Prometheus's rules directory",
      '--rules-dir',
      'PONGCTL_PROMETHEUS_RULES_DIR',
    ),
    client: prometheusClient(prometheusUrl(ctx, opts)),
    desired: desiredRuleFiles(monitoringPaths(opts).rulesDir),
  };
}

export async function diff(ctx: CliContext, opts: ApplyOptions): Promise<number> {
  const plan = await planRules(target(ctx, opts), Boolean(opts.prune));
  await printPlan(ctx, [...plan.files, ...plan.loaded]);
  return inSync(plan) ? diffExit.same : diffExit.different;
}

export async function apply(ctx: CliContext, opts: ApplyOptions): Promise<number> {
  const t = target(ctx, opts);
  const plan = await planRules(t, Boolean(opts.prune));
  if (inSync(plan)) {
    await printApplied(ctx, plan.files, { applied: [] });
    ctx.io.success('no changes: the rule files and what Prometheus loaded match the desired rules');
    return 0;
  }
  if (hasDifferences(plan.files) || opts.dryRun) await printPlan(ctx, plan.files);
  const result = await applyRules(t, plan, { dryRun: opts.dryRun });
  if (opts.dryRun) {
    ctx.io.info('dry run: nothing written');
    return 0;
  }
  await printApplied(ctx, plan.files, { applied: result.applied });
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
