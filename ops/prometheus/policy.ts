/**
 * Our alerting policy on top of promtool: what every alert must carry, what a
 * label may never carry, which metrics an expression may name, and that every
 * alert has a runbook section and a firing unit test.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { knownMetrics } from '../lib/known-metrics.ts';
import { promqlParts } from './promql-names.ts';
import { flattenAlerts, isAlert, recordedNames, type LoadedRuleFile } from './rule-files.ts';
import { runbookBase } from './paths.ts';

export const severities = ['critical', 'warning', 'info'] as const;
export const requiredAnnotations = ['summary', 'description', 'runbook_url'] as const;

/** Label names that would carry personal data: never in rule labels or grouping clauses. */
export const personalLabelPattern =
  /^(user(name)?|user_?id|uid|email|e_?mail|name|display_?name|alias|ip|client_?ip|remote_?addr|session(_?id)?|token|message|body|text|phone)$/i;

export interface Problem {
  file: string;
  rule?: string;
  message: string;
}

const testFileSchema = z.looseObject({
  rule_files: z.array(z.string()).optional(),
  tests: z
    .array(
      z.looseObject({
        alert_rule_test: z
          .array(
            z.looseObject({ alertname: z.string(), exp_alerts: z.array(z.unknown()).nullish() }),
          )
          .optional(),
      }),
    )
    .optional(),
});

/** Alert names with at least one test case that expects them to fire. */
export function alertsWithFiringTests(testsDir: string, files: string[]): Set<string> {
  const firing = new Set<string>();
  for (const name of files) {
    const parsed = testFileSchema.parse(
      parse(readFileSync(path.join(testsDir, name), 'utf8')) ?? {},
    );
    for (const test of parsed.tests ?? []) {
      for (const case_ of test.alert_rule_test ?? [])
        if ((case_.exp_alerts ?? []).length > 0) firing.add(case_.alertname);
    }
  }
  return firing;
}

/** GitHub's anchor for a markdown heading: lower case, spaces to dashes, punctuation dropped. */
export function runbookAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of markdown.split('\n')) {
    const heading = /^#{1,6}\s+(.+?)\s*$/.exec(line);
    if (heading)
      anchors.add(
        heading[1]!
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-'),
      );
  }
  return anchors;
}

function checkAlertShape(
  alert: ReturnType<typeof flattenAlerts>[number],
  anchors: Set<string>,
): string[] {
  const problems: string[] = [];
  if (!/^[A-Z][A-Za-z0-9]+$/.test(alert.alert)) problems.push('alert names are UpperCamelCase');
  if (!alert.for)
    problems.push('every alert needs a `for` (a hold time), so one bad scrape does not page');
  const severity = alert.labels?.severity;
  if (!severity || !(severities as readonly string[]).includes(severity))
    problems.push(`labels.severity must be one of ${severities.join(', ')}`);
  for (const key of requiredAnnotations)
    if (!alert.annotations?.[key]) problems.push(`annotations.${key} is required`);
  const url = alert.annotations?.runbook_url;
  if (url) {
    const [base, anchor] = url.split('#');
    if (base !== runbookBase || !anchor)
      problems.push(`runbook_url must be ${runbookBase}#<section>`);
    else if (!anchors.has(anchor))
      problems.push(`runbook_url anchor #${anchor} has no section in ops/RUNBOOK.md`);
  }
  for (const label of Object.keys(alert.labels ?? {})) {
    if (personalLabelPattern.test(label)) problems.push(`label ${label} could carry personal data`);
  }
  return problems;
}

export interface PolicyInput {
  files: LoadedRuleFile[];
  runbookMarkdown: string;
  testsDir: string;
  testFiles: string[];
}

/** Every policy problem of a rule set; empty means it passes. */
export function checkPolicy(input: PolicyInput): Problem[] {
  const problems: Problem[] = [];
  const anchors = runbookAnchors(input.runbookMarkdown);
  const known = knownMetrics(recordedNames(input.files));
  const seen = new Map<string, string>();
  for (const alert of flattenAlerts(input.files)) {
    const where = { file: alert.file, rule: alert.alert };
    const earlier = seen.get(alert.alert);
    if (earlier)
      problems.push({ ...where, message: `alert ${alert.alert} is also defined in ${earlier}` });
    seen.set(alert.alert, alert.file);
    for (const message of checkAlertShape(alert, anchors)) problems.push({ ...where, message });
  }
  for (const file of input.files) {
    for (const group of file.content.groups) {
      for (const rule of group.rules) {
        const name = isAlert(rule) ? rule.alert : rule.record;
        const parts = promqlParts(rule.expr);
        for (const metric of parts.metrics) {
          if (!known.has(metric))
            problems.push({
              file: file.name,
              rule: name,
              message: `metric ${metric} is not in the metric contract or the known exporter metrics`,
            });
        }
        for (const label of parts.groupingLabels) {
          if (personalLabelPattern.test(label))
            problems.push({
              file: file.name,
              rule: name,
              message: `grouping by ${label} could carry personal data`,
            });
        }
      }
    }
  }
  const tested = alertsWithFiringTests(input.testsDir, input.testFiles);
  for (const alert of flattenAlerts(input.files)) {
    if (!tested.has(alert.alert))
      problems.push({
        file: alert.file,
        rule: alert.alert,
        message: 'no promtool test expects this alert to fire',
      });
  }
  return problems;
}
