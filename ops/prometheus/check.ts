/**
 * `alerts lint` and `alerts test` as functions: promtool's checks plus our
 * policy, promtool's unit tests, and amtool's config check and routing tests.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRouteCases, runRouteTests, type RouteResult } from '../alertmanager/routes.ts';
import { renderAlertmanagerConfig } from '../alertmanager/render.ts';
import { checkPolicy, type Problem } from './policy.ts';
import { requireTool, runTool, type ToolResult } from './promtool.ts';
import { loadRuleFiles, ruleFileNames } from './rule-files.ts';

export interface MonitoringPaths {
  rulesDir: string;
  testsDir: string;
  runbook: string;
  alertmanagerConfig: string;
  alertmanagerRoutes: string;
}

export interface LintReport {
  promtool: ToolResult;
  problems: Problem[];
  ok: boolean;
}

export function testFileNames(testsDir: string): string[] {
  return readdirSync(testsDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/** promtool check rules (lint fatal) on every file, then the policy. */
export async function lintAlerts(
  paths: MonitoringPaths,
  envPath: string | undefined,
): Promise<LintReport> {
  const promtool = requireTool('promtool', envPath);
  const files = ruleFileNames(paths.rulesDir).map((f) => path.join(paths.rulesDir, f));
  const check = await runTool(promtool, ['check', 'rules', '--lint=all', '--lint-fatal', ...files]);
  let problems: Problem[] = [];
  if (check.code === 0) {
    problems = checkPolicy({
      files: loadRuleFiles(paths.rulesDir),
      runbookMarkdown: readFileSync(paths.runbook, 'utf8'),
      testsDir: paths.testsDir,
      testFiles: testFileNames(paths.testsDir),
    });
  }
  return { promtool: check, problems, ok: check.code === 0 && problems.length === 0 };
}

export interface TestReport {
  promtool: ToolResult;
  amtoolCheck: ToolResult;
  routes: RouteResult[];
  ok: boolean;
}

/** A rendered config with every integration set, so amtool checks what production loads. */
export const sampleAlertmanagerEnv = {
  ALERTMANAGER_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
  ALERTMANAGER_SLACK_API_URL: 'https://hooks.slack.invalid/services/T0/B0/X',
  ALERTMANAGER_EMAIL_TO: 'oncall@example.invalid',
  ALERTMANAGER_SMTP_SMARTHOST: 'smtp.example.invalid:587',
  ALERTMANAGER_SMTP_FROM: 'alertmanager@example.invalid',
  ALERTMANAGER_SMTP_USERNAME: 'alertmanager',
  ALERTMANAGER_SMTP_PASSWORD: 'not-a-secret',
};

/** promtool unit tests, amtool check-config on the committed and a fully rendered config, routing tests. */
export async function testAlerts(
  paths: MonitoringPaths,
  envPath: string | undefined,
): Promise<TestReport> {
  const promtool = requireTool('promtool', envPath);
  const amtool = requireTool('amtool', envPath);
  const tests = await runTool(promtool, ['test', 'rules', ...testFileNames(paths.testsDir)], {
    cwd: paths.testsDir,
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pongctl-am-'));
  try {
    const rendered = path.join(dir, 'alertmanager.yml');
    writeFileSync(
      rendered,
      renderAlertmanagerConfig(
        readFileSync(paths.alertmanagerConfig, 'utf8'),
        sampleAlertmanagerEnv,
      ),
      { mode: 0o600 },
    );
    const amtoolCheck = await runTool(amtool, ['check-config', paths.alertmanagerConfig, rendered]);
    const routes = await runRouteTests(amtool, rendered, loadRouteCases(paths.alertmanagerRoutes));
    const ok = tests.code === 0 && amtoolCheck.code === 0 && routes.every((r) => r.ok);
    return { promtool: tests, amtoolCheck, routes, ok };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
