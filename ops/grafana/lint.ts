/**
 * `grafana lint`: every dashboard against the Foundation SDK's JSON Schema,
 * then what a schema cannot say — unique uids, panel ids and refIds, panels
 * inside the 24-column grid and not overlapping, data sources that exist,
 * PromQL metrics that exist, SQL that reads only the reporting views.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { knownMetrics } from '../lib/known-metrics.ts';
import { promqlParts } from '../prometheus/promql-names.ts';
import { loadRuleFiles, recordedNames } from '../prometheus/rule-files.ts';
import { personalLabelPattern } from '../prometheus/policy.ts';
import type { DataSourceSpec } from './datasources.ts';

export interface DashboardProblem {
  uid: string;
  panel?: string;
  message: string;
}

type Json = Record<string, any>;

const schemaPath = fileURLToPath(new URL('./schema/dashboard.jsonschema.json', import.meta.url));

/** ajv is loaded here, not at the top, so other verbs never pay for it. */
export async function schemaValidator(): Promise<(dashboard: unknown) => string[]> {
  const { Ajv } = await import('ajv');
  // The schema uses format date-time only on snapshot metadata, which we never write.
  const ajv = new Ajv({ allErrors: true, strict: false, formats: { 'date-time': true } });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  return (dashboard) =>
    validate(dashboard)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}

function overlaps(a: Json, b: Json): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function checkSql(sql: string): string[] {
  const problems: string[] = [];
  for (const match of sql.matchAll(/\b(?:from|join)\s+([A-Za-z_][\w.]*)/gi)) {
    if (!match[1]!.startsWith('reporting.'))
      problems.push(`SQL reads ${match[1]}: grafana_reader may read reporting.* views only`);
  }
  if (/\b(insert|update|delete|drop|alter|create|grant|truncate)\b/i.test(sql))
    problems.push('SQL must only read');
  return problems;
}

function checkTarget(
  target: Json,
  panelDs: Json,
  known: ReturnType<typeof knownMetrics>,
): string[] {
  const problems: string[] = [];
  if (!target.refId) problems.push('a target has no refId');
  if (target.datasource && target.datasource.uid !== panelDs?.uid)
    problems.push(`target ${target.refId} uses another data source than its panel`);
  if (typeof target.expr === 'string') {
    const parts = promqlParts(target.expr);
    for (const metric of parts.metrics)
      if (!known.has(metric))
        problems.push(
          `metric ${metric} is not in the metric contract or the known exporter metrics`,
        );
    for (const label of parts.groupingLabels)
      if (personalLabelPattern.test(label))
        problems.push(`grouping by ${label} could carry personal data`);
  }
  if (typeof target.rawSql === 'string') problems.push(...checkSql(target.rawSql));
  return problems;
}

function checkPanels(
  d: Json,
  sources: Map<string, string>,
  known: ReturnType<typeof knownMetrics>,
): DashboardProblem[] {
  const problems: DashboardProblem[] = [];
  const ids = new Set<number>();
  const placed: Json[] = [];
  for (const p of (d.panels ?? []) as Json[]) {
    const add = (message: string) => problems.push({ uid: d.uid, panel: p.title, message });
    if (ids.has(p.id)) add(`panel id ${p.id} is used twice`);
    ids.add(p.id);
    const g = p.gridPos ?? {};
    if (!(g.w > 0 && g.x >= 0 && g.x + g.w <= 24 && g.h > 0 && g.y >= 0))
      add('gridPos must stay within the 24 columns');
    if (placed.some((q) => overlaps(q, g))) add('panel overlaps another panel');
    placed.push(g);
    if (p.type === 'row') continue;
    const dsRef = p.datasource as Json | undefined;
    if (!dsRef || sources.get(dsRef.uid) !== dsRef.type)
      add(`data source ${dsRef?.uid ?? '(none)'} of type ${dsRef?.type ?? '?'} is not defined`);
    const refIds = ((p.targets ?? []) as Json[]).map((t) => t.refId);
    if (new Set(refIds).size !== refIds.length) add('refIds must be unique within a panel');
    if (refIds.length === 0) add('panel has no queries');
    for (const t of (p.targets ?? []) as Json[])
      for (const message of checkTarget(t, dsRef ?? {}, known)) add(message);
  }
  return problems;
}

/** Schema and semantic problems of a set of dashboards; empty means they pass. */
export async function lintDashboards(
  dashboards: Map<string, Json>,
  dataSources: DataSourceSpec[],
  rulesDir: string,
): Promise<DashboardProblem[]> {
  const validate = await schemaValidator();
  const sources = new Map(dataSources.map((s) => [s.uid, s.type]));
  const known = knownMetrics(recordedNames(loadRuleFiles(rulesDir)));
  const problems: DashboardProblem[] = [];
  const titles = new Map<string, string>();
  for (const [uid, d] of dashboards) {
    for (const message of validate(d)) problems.push({ uid, message: `schema: ${message}` });
    if (d.uid !== uid) problems.push({ uid, message: `uid ${d.uid} does not match its file` });
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(uid))
      problems.push({ uid, message: 'uid must be 1-40 characters of [A-Za-z0-9_-]' });
    const other = titles.get(d.title);
    if (other) problems.push({ uid, message: `title "${d.title}" is also used by ${other}` });
    titles.set(d.title, uid);
    for (const v of (d.templating?.list ?? []) as Json[]) {
      if (v.datasource && sources.get(v.datasource.uid) !== v.datasource.type)
        problems.push({ uid, message: `variable ${v.name} uses an undefined data source` });
      if (typeof v.query === 'string' && v.datasource?.uid === 'pongctl-postgres')
        for (const m of checkSql(v.query))
          problems.push({ uid, message: `variable ${v.name}: ${m}` });
    }
    problems.push(...checkPanels(d, sources, known));
  }
  return problems;
}
