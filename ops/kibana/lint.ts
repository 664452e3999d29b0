/**
 * Offline checks of the Kibana saved objects: unique ids, every reference
 * resolves inside the set, embedded JSON parses, aggregations use fields the
 * Elasticsearch templates map as aggregatable, KQL quotes and parentheses
 * balance, and dashboard panels fit Kibana's 48-column grid.
 */
import { ecsFields } from '../elasticsearch/mappings.ts';
import type { SavedObject } from './builders.ts';

const aggregatable = new Set<string>();
for (const [field, mapping] of Object.entries(ecsFields)) {
  const m = mapping as {
    type?: string;
    index?: boolean;
    fields?: Record<string, { type?: string }>;
  };
  if (m.type && !['match_only_text', 'text'].includes(m.type) && m.index !== false)
    aggregatable.add(field);
  for (const [sub, subMapping] of Object.entries(m.fields ?? {}))
    if (subMapping.type === 'keyword') aggregatable.add(`${field}.${sub}`);
}

function parseJson(text: unknown, where: string, problems: string[]): any {
  try {
    return JSON.parse(String(text));
  } catch {
    problems.push(`${where} is not valid JSON`);
    return undefined;
  }
}

export function kqlProblems(query: string): string[] {
  const problems: string[] = [];
  if ((query.match(/"/g)?.length ?? 0) % 2 !== 0) problems.push('unbalanced double quotes');
  let depth = 0;
  for (const ch of query.replace(/"[^"]*"/g, '')) {
    if (ch === '(') depth++;
    if (ch === ')' && --depth < 0) break;
  }
  if (depth !== 0) problems.push('unbalanced parentheses');
  return problems;
}

function checkSearchSource(o: SavedObject, problems: string[]): void {
  const meta = o.attributes.kibanaSavedObjectMeta as { searchSourceJSON?: string } | undefined;
  if (!meta?.searchSourceJSON) return;
  const source = parseJson(meta.searchSourceJSON, `${o.type} ${o.id} searchSourceJSON`, problems);
  if (!source) return;
  for (const p of kqlProblems(String(source.query?.query ?? '')))
    problems.push(`${o.type} ${o.id}: query has ${p}`);
  if (source.indexRefName && !o.references.some((r) => r.name === source.indexRefName))
    problems.push(`${o.type} ${o.id}: indexRefName ${source.indexRefName} has no reference`);
}

function checkVisualization(o: SavedObject, problems: string[]): void {
  const vis = parseJson(o.attributes.visState, `visualization ${o.id} visState`, problems);
  for (const agg of (vis?.aggs ?? []) as { type: string; params: { field?: string } }[]) {
    const field = agg.params.field;
    if (field && !aggregatable.has(field))
      problems.push(
        `visualization ${o.id}: ${agg.type} on ${field}, which the templates do not map as an aggregatable field`,
      );
  }
}

function checkDashboard(o: SavedObject, problems: string[]): void {
  const panels = parseJson(o.attributes.panelsJSON, `dashboard ${o.id} panelsJSON`, problems) as
    { panelRefName: string; gridData: { x: number; w: number; h: number } }[] | undefined;
  for (const panel of panels ?? []) {
    if (!o.references.some((r) => r.name === panel.panelRefName))
      problems.push(`dashboard ${o.id}: panel ${panel.panelRefName} has no reference`);
    if (panel.gridData.x + panel.gridData.w > 48 || panel.gridData.w < 1 || panel.gridData.h < 1)
      problems.push(
        `dashboard ${o.id}: panel ${panel.panelRefName} does not fit the 48-column grid`,
      );
  }
  parseJson(o.attributes.optionsJSON, `dashboard ${o.id} optionsJSON`, problems);
}

export function lintSavedObjects(objects: readonly SavedObject[]): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  for (const o of objects) {
    const key = `${o.type}:${o.id}`;
    if (keys.has(key)) problems.push(`duplicate ${o.type} id ${o.id}`);
    keys.add(key);
    if (typeof o.attributes.title !== 'string' || !o.attributes.title)
      problems.push(`${o.type} ${o.id} has no title`);
  }
  for (const o of objects) {
    for (const ref of o.references)
      if (!keys.has(`${ref.type}:${ref.id}`))
        problems.push(
          `${o.type} ${o.id} references ${ref.type} ${ref.id}, which is not in the set`,
        );
    checkSearchSource(o, problems);
    if (o.type === 'visualization') checkVisualization(o, problems);
    if (o.type === 'dashboard') checkDashboard(o, problems);
  }
  return problems;
}
