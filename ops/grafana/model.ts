/**
 * Typed builders for classic Grafana dashboard JSON (what /api/dashboards/db
 * and file provisioning load in Grafana 10–12). Panels flow left to right in
 * the 24-column grid; ids and refIds are assigned here, so sources stay short.
 */

export interface DataSourceRef {
  type: string;
  uid: string;
}

/** The data sources every dashboard refers to, by stable uid (ops/grafana/datasources.ts defines them). */
export const ds = {
  prometheus: { type: 'prometheus', uid: 'pongctl-prometheus' },
  postgres: { type: 'grafana-postgresql-datasource', uid: 'pongctl-postgres' },
  elasticsearch: { type: 'elasticsearch', uid: 'pongctl-elasticsearch' },
} as const satisfies Record<string, DataSourceRef>;

export type Query =
  | { prom: string; legend?: string; instant?: boolean }
  | { sql: string; format?: 'table' | 'time_series' }
  | { lucene: string };

export interface PanelSpec {
  title: string;
  type: 'timeseries' | 'stat' | 'table' | 'barchart' | 'logs' | 'bargauge';
  w: number;
  h?: number;
  description?: string;
  unit?: string;
  stack?: boolean;
  queries: Query[];
}

export type Item = PanelSpec | { row: string };

export interface VariableSpec {
  name: string;
  label: string;
  datasource: DataSourceRef;
  query: string;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  time?: string;
  refresh?: string;
  variables?: VariableSpec[];
  items: Item[];
}

type Json = Record<string, unknown>;

function datasourceOf(query: Query): DataSourceRef {
  return 'prom' in query ? ds.prometheus : 'sql' in query ? ds.postgres : ds.elasticsearch;
}

function target(query: Query, refId: string): Json {
  const datasource = datasourceOf(query);
  if ('prom' in query) {
    return {
      refId,
      datasource,
      expr: query.prom,
      legendFormat: query.legend ?? '__auto',
      range: !query.instant,
      instant: Boolean(query.instant),
      editorMode: 'code',
    };
  }
  if ('sql' in query)
    return {
      refId,
      datasource,
      rawSql: query.sql,
      format: query.format ?? 'table',
      rawQuery: true,
      editorMode: 'code',
    };
  return {
    refId,
    datasource,
    query: query.lucene,
    metrics: [{ id: '1', type: 'logs' }],
    bucketAggs: [],
    timeField: '@timestamp',
  };
}

function panelOptions(spec: PanelSpec): Json {
  if (spec.type === 'logs')
    return {
      showTime: true,
      wrapLogMessage: true,
      sortOrder: 'Descending',
      enableLogDetails: true,
    };
  if (spec.type === 'timeseries')
    return {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
      tooltip: { mode: 'multi', sort: 'desc' },
    };
  if (spec.type === 'stat')
    return {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'value',
      graphMode: 'area',
    };
  return {};
}

function panel(spec: PanelSpec, id: number, gridPos: Json): Json {
  const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const custom =
    spec.type === 'timeseries'
      ? {
          fillOpacity: 10,
          lineWidth: 1,
          stacking: { mode: spec.stack ? 'normal' : 'none', group: 'A' },
        }
      : undefined;
  return {
    id,
    type: spec.type,
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    datasource: datasourceOf(spec.queries[0]!),
    gridPos,
    targets: spec.queries.map((q, i) => target(q, refIds[i]!)),
    fieldConfig: {
      defaults: { ...(spec.unit ? { unit: spec.unit } : {}), ...(custom ? { custom } : {}) },
      overrides: [],
    },
    options: panelOptions(spec),
  };
}

function variable(spec: VariableSpec): Json {
  return {
    type: 'query',
    name: spec.name,
    label: spec.label,
    datasource: spec.datasource,
    query: spec.query,
    refresh: 1,
    sort: 1,
    multi: false,
    current: { text: '', value: '' },
    options: [],
    hide: 0,
  };
}

/** Lays the items out and returns the classic dashboard JSON. */
export function dashboard(spec: DashboardSpec): Json {
  const panels: Json[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let id = 1;
  for (const item of spec.items) {
    if ('row' in item) {
      y += rowHeight;
      panels.push({
        type: 'row',
        id: id++,
        title: item.row,
        collapsed: false,
        panels: [],
        gridPos: { h: 1, w: 24, x: 0, y },
      });
      y += 1;
      x = 0;
      rowHeight = 0;
      continue;
    }
    const h = item.h ?? 8;
    if (x + item.w > 24) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    panels.push(panel(item, id++, { h, w: item.w, x, y }));
    x += item.w;
    rowHeight = Math.max(rowHeight, h);
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['pongctl', ...spec.tags],
    timezone: 'browser',
    editable: false,
    graphTooltip: 1,
    time: { from: spec.time ?? 'now-6h', to: 'now' },
    refresh: spec.refresh ?? '30s',
    schemaVersion: 39,
    fiscalYearStartMonth: 0,
    liveNow: false,
    links: [],
    panels,
    templating: { list: (spec.variables ?? []).map(variable) },
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
  };
}
