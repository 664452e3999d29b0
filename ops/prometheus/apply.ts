/**
 * `alerts diff` and `alerts apply`: the desired rule files against the files
 * in Prometheus's rules directory, then against what Prometheus actually
 * loaded (rule names, types, hold times, labels, annotations per group).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { AppError } from '../../api/contract/errors.ts';
import { durationMs } from '../lib/duration.ts';
import { planChanges, type Change } from '../lib/plan.ts';
import type { LiveGroup, PrometheusClient } from './live.ts';
import { isAlert, loadRuleFiles, ruleFileNames, type LoadedRuleFile } from './rule-files.ts';

export interface RuleFileState {
  text: string;
  content: unknown;
}

/** Files of a directory; a missing directory is an empty one (nothing applied yet). */
export function readLiveRuleFiles(dir: string): Map<string, RuleFileState> {
  const live = new Map<string, RuleFileState>();
  let names: string[];
  try {
    names = ruleFileNames(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return live;
    throw err;
  }
  for (const name of names) {
    const text = readFileSync(path.join(dir, name), 'utf8');
    live.set(name, { text, content: parse(text) ?? null });
  }
  return live;
}

export function desiredRuleFiles(rulesDir: string): Map<string, RuleFileState> {
  return new Map(
    loadRuleFiles(rulesDir).map((f: LoadedRuleFile) => [
      f.name,
      { text: f.text, content: f.content },
    ]),
  );
}

/** Files compare by parsed content, so formatting alone is not a difference. */
export function planRuleFiles(
  desired: Map<string, RuleFileState>,
  live: Map<string, RuleFileState>,
  prune: boolean,
): Change<RuleFileState>[] {
  return planChanges('rule-file', desired, live, { normalize: (f) => f.content, prune });
}

/** What Prometheus should report for each group: rule name, type, hold, labels, annotations. */
export function expectedGroups(desired: Map<string, RuleFileState>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [file, state] of desired) {
    const content = state.content as LoadedRuleFile['content'];
    for (const group of content.groups) {
      out.set(
        `${file}#${group.name}`,
        group.rules.map((r) =>
          isAlert(r)
            ? {
                name: r.alert,
                type: 'alerting',
                for: r.for ?? '0s',
                labels: r.labels ?? {},
                annotations: r.annotations ?? {},
              }
            : { name: r.record, type: 'recording', labels: r.labels ?? {} },
        ),
      );
    }
  }
  return out;
}

/** A rule's `for:` in seconds, as /api/v1/rules reports it (`0s` and unparsable alike are 0, as before). */
function seconds(duration: string): number {
  return (durationMs(duration) ?? 0) / 1000;
}

/** The same shape from /api/v1/rules, keyed by the file's base name and the group. */
export function loadedGroups(groups: LiveGroup[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const g of groups) {
    out.set(
      `${path.basename(g.file)}#${g.name}`,
      g.rules.map((r) =>
        r.type === 'alerting'
          ? {
              name: r.name,
              type: 'alerting',
              for: r.duration ?? 0,
              labels: r.labels ?? {},
              annotations: r.annotations ?? {},
            }
          : { name: r.name, type: 'recording', labels: r.labels ?? {} },
      ),
    );
  }
  return out;
}

/** Normalises hold times to seconds on both sides, since Prometheus reports numbers. */
export function planLoaded(desired: Map<string, RuleFileState>, live: LiveGroup[]): Change[] {
  const want = expectedGroups(desired);
  for (const [key, rules] of want) {
    want.set(
      key,
      (rules as { for?: string }[]).map((r) =>
        'for' in r ? { ...r, for: seconds(r.for ?? '0s') } : r,
      ),
    );
  }
  return planChanges('loaded-group', want, loadedGroups(live), { prune: true });
}

function writeAtomically(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o644 });
  renameSync(temp, file);
}

export function applyRuleFileChange(dir: string, change: Change<RuleFileState>): void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, change.id);
  if (change.action === 'delete') rmSync(file, { force: true });
  else writeAtomically(file, change.desired!.text);
}

/** Polls /api/v1/rules until Prometheus reports exactly the desired groups. */
export async function waitUntilLoaded(
  client: Pick<PrometheusClient, 'rules'>,
  desired: Map<string, RuleFileState>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending: Change[] = [];
  while (Date.now() < deadline) {
    pending = planLoaded(desired, await client.rules()).filter((c) => c.action !== 'unchanged');
    if (pending.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new AppError(
    'UNAVAILABLE',
    'Prometheus did not load the applied rules',
    pending.map((c) => `${c.action} ${c.id}`),
  );
}
