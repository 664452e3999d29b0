/**
 * How every ops command (alerts, grafana, kibana, logs retention) prints a
 * plan: the unified diff for people, the plan object for `-o json|yaml`.
 */
import { planJson, renderPlan, type Change } from '../ops/lib/plan.ts';
import type { CliContext } from './context.ts';

const structured = (ctx: CliContext) => ctx.io.format === 'json' || ctx.io.format === 'yaml';

/** The plan, as a diff or as data with `extra` fields (what was applied, a dry run). */
export async function printPlan(
  ctx: CliContext,
  changes: readonly Change[],
  extra: Record<string, unknown> = {},
): Promise<void> {
  if (structured(ctx)) await ctx.io.print({ ...(planJson(changes) as object), ...extra }, []);
  else ctx.io.out(renderPlan(changes, { color: ctx.io.options.color }));
}

/**
 * After an apply: the plan and its outcome as data; people read the success
 * line instead, after the diff when `diff` is set.
 */
export async function printApplied(
  ctx: CliContext,
  changes: readonly Change[],
  extra: Record<string, unknown>,
  options: { diff?: boolean } = {},
): Promise<void> {
  if (structured(ctx) || options.diff) await printPlan(ctx, changes, extra);
}
