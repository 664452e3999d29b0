/**
 * `alerts add`: appends an alert rule to a rule file (keeping its comments)
 * and a test skeleton to the matching promtool test file. The skeleton proves
 * the alert stays quiet without data; `alerts lint` keeps failing until
 * someone adds the case where it fires.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { z } from 'zod';
import { AppError } from '../../api/contract/errors.ts';
import { runbookBase } from './paths.ts';

export const newAlertSchema = z.strictObject({
  name: z.string().regex(/^[A-Z][A-Za-z0-9]+$/, 'alert names are UpperCamelCase'),
  expr: z.string().min(1),
  for: z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, 'a duration like 5m'),
  severity: z.enum(['critical', 'warning', 'info']),
  component: z.string().regex(/^[a-z][a-z0-9-]*$/),
  summary: z.string().min(1),
  description: z.string().min(1),
  file: z.string().regex(/^[a-z0-9-]+\.yml$/, 'a rule file name like api.yml'),
  group: z.string().min(1),
});

export type NewAlert = z.infer<typeof newAlertSchema>;

export function ruleFor(alert: NewAlert): Record<string, unknown> {
  return {
    alert: alert.name,
    expr: alert.expr,
    for: alert.for,
    labels: { severity: alert.severity, component: alert.component },
    annotations: {
      summary: alert.summary,
      description: alert.description,
      runbook_url: `${runbookBase}#${alert.name.toLowerCase()}`,
    },
  };
}

function appendRule(file: string, alert: NewAlert): void {
  const doc = existsSync(file)
    ? parseDocument(readFileSync(file, 'utf8'))
    : parseDocument('groups: []\n');
  const groups = doc.get('groups') as YAMLSeq<YAMLMap>;
  for (const g of groups.items) {
    for (const r of (g.get('rules') as YAMLSeq<YAMLMap>).items) {
      if (r.get('alert') === alert.name)
        throw new AppError('CONFLICT', `${alert.name} already exists in ${path.basename(file)}`);
    }
  }
  let group = groups.items.find((g) => g.get('name') === alert.group);
  if (!group) {
    group = doc.createNode({ name: alert.group, rules: [] }) as YAMLMap;
    groups.add(group);
  }
  (group.get('rules') as YAMLSeq).add(doc.createNode(ruleFor(alert)));
  writeFileSync(file, doc.toString({ lineWidth: 0 }));
}

function appendTest(file: string, ruleFile: string, alert: NewAlert): void {
  const doc = existsSync(file)
    ? parseDocument(readFileSync(file, 'utf8'))
    : parseDocument(`rule_files:\n  - ../rules/${ruleFile}\nevaluation_interval: 1m\ntests: []\n`);
  const test = doc.createNode({
    name: `${alert.name} stays quiet without data`,
    interval: '1m',
    input_series: [],
    alert_rule_test: [{ eval_time: '30m', alertname: alert.name, exp_alerts: [] }],
  });
  test.commentBefore = ` ${alert.name}: add a case with input_series where it fires (alerts lint requires one).`;
  (doc.get('tests') as YAMLSeq).add(test);
  writeFileSync(file, doc.toString({ lineWidth: 0 }));
}

/** Writes the rule and its test skeleton; returns the files touched. */
export function addAlert(dirs: { rulesDir: string; testsDir: string }, input: NewAlert): string[] {
  const alert = newAlertSchema.parse(input);
  const ruleFile = path.join(dirs.rulesDir, alert.file);
  const testFile = path.join(dirs.testsDir, alert.file.replace(/\.yml$/, '.test.yml'));
  appendRule(ruleFile, alert);
  appendTest(testFile, alert.file, alert);
  return [ruleFile, testFile];
}
