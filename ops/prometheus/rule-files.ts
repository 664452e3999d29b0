/**
 * Prometheus rule files as data: zod schemas for what Prometheus 2.42 accepts
 * (no group `labels` or `query_offset`, which Debian's promtool rejects), and
 * loading a directory of them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { AppError } from '../../api/contract/errors.ts';

const stringMap = z.record(z.string(), z.string());

export const alertRuleSchema = z.strictObject({
  alert: z.string().min(1),
  expr: z.string().min(1),
  for: z.string().optional(),
  keep_firing_for: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});

export const recordingRuleSchema = z.strictObject({
  record: z.string().min(1),
  expr: z.string().min(1),
  labels: stringMap.optional(),
});

export const ruleFileSchema = z.strictObject({
  groups: z.array(
    z.strictObject({
      name: z.string().min(1),
      interval: z.string().optional(),
      limit: z.number().int().optional(),
      rules: z.array(z.union([alertRuleSchema, recordingRuleSchema])),
    }),
  ),
});

export type AlertRule = z.infer<typeof alertRuleSchema>;
export type RecordingRule = z.infer<typeof recordingRuleSchema>;
export type RuleFile = z.infer<typeof ruleFileSchema>;

export interface LoadedRuleFile {
  /** File name inside the rules directory, e.g. `api.yml`. */
  name: string;
  path: string;
  text: string;
  content: RuleFile;
}

export interface FlatAlert extends AlertRule {
  file: string;
  group: string;
}

export function isAlert(rule: AlertRule | RecordingRule): rule is AlertRule {
  return 'alert' in rule;
}

/** Parses one rule file's text; a schema error names the file and the path inside it. */
export function parseRuleFile(name: string, text: string): RuleFile {
  const parsed = ruleFileSchema.safeParse(parse(text) ?? {});
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({
      path: `${name}: ${i.path.join('.')}`,
      message: i.message,
    }));
    throw new AppError('VALIDATION', `${name} is not a valid Prometheus rule file`, details);
  }
  return parsed.data;
}

export function ruleFileNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

export function loadRuleFiles(dir: string): LoadedRuleFile[] {
  return ruleFileNames(dir).map((name) => {
    const file = path.join(dir, name);
    const text = readFileSync(file, 'utf8');
    return { name, path: file, text, content: parseRuleFile(name, text) };
  });
}

export function flattenAlerts(files: readonly LoadedRuleFile[]): FlatAlert[] {
  return files.flatMap((f) =>
    f.content.groups.flatMap((g) =>
      g.rules.filter(isAlert).map((rule) => ({ ...rule, file: f.name, group: g.name })),
    ),
  );
}

export function recordedNames(files: readonly LoadedRuleFile[]): string[] {
  return files.flatMap((f) =>
    f.content.groups.flatMap((g) => g.rules.flatMap((r) => ('record' in r ? [r.record] : []))),
  );
}
