/**
 * The `alerts diff` / `alerts apply` sequence, as Grafana, Kibana and log
 * retention keep theirs in ops/: plan the rule files against Prometheus's
 * rules directory and against what it loaded, write the files, reload, and
 * wait until Prometheus reports exactly the desired groups.
 */
import { applyChanges, hasDifferences, type ApplyResult, type Change } from '../lib/plan.ts';
import {
  applyRuleFileChange,
  planLoaded,
  planRuleFiles,
  readLiveRuleFiles,
  waitUntilLoaded,
  type RuleFileState,
} from './apply.ts';
import type { PrometheusClient } from './live.ts';

export interface RulesTarget {
  /** Prometheus's rules directory (rule_files). */
  dir: string;
  client: Pick<PrometheusClient, 'rules' | 'reload'>;
  desired: Map<string, RuleFileState>;
}

export interface RulesPlan {
  /** Files to write or delete in the rules directory. */
  files: Change<RuleFileState>[];
  /** Groups Prometheus reports that differ from the desired ones. */
  loaded: Change[];
}

export async function planRules(target: RulesTarget, prune: boolean): Promise<RulesPlan> {
  return {
    files: planRuleFiles(target.desired, readLiveRuleFiles(target.dir), prune),
    loaded: planLoaded(target.desired, await target.client.rules()),
  };
}

export const inSync = (plan: RulesPlan) =>
  !hasDifferences(plan.files) && !hasDifferences(plan.loaded);

/** Writes the planned files; then, unless a dry run, reloads Prometheus and waits until it reports the desired rules. */
export async function applyRules(
  target: RulesTarget,
  plan: RulesPlan,
  options: { dryRun?: boolean; loadTimeoutMs?: number } = {},
): Promise<ApplyResult> {
  const write = async (c: Change<RuleFileState>) => applyRuleFileChange(target.dir, c);
  const result = await applyChanges<RuleFileState>(
    plan.files,
    { create: write, update: write, delete: write },
    { dryRun: options.dryRun },
  );
  if (options.dryRun) return result;
  await target.client.reload();
  await waitUntilLoaded(target.client, target.desired, options.loadTimeoutMs);
  return result;
}
