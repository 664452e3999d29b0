/**
 * Typed builders for the Kibana saved objects pongctl provisions: data views,
 * saved searches, aggregation-based visualizations and dashboards, in the
 * saved objects export format (`{type, id, attributes, references}`) that the
 * import API takes. Search sources reference the data view by name, so ids
 * stay stable and imports resolve them.
 */
export interface SavedObject {
  type: 'index-pattern' | 'search' | 'visualization' | 'dashboard';
  id: string;
  attributes: Record<string, unknown>;
  references: { name: string; type: string; id: string }[];
}

const indexRef = 'kibanaSavedObjectMeta.searchSourceJSON.index';

function searchSource(query: string, withIndex: boolean): Record<string, unknown> {
  return {
    searchSourceJSON: JSON.stringify({
      query: { query, language: 'kuery' },
      filter: [],
      ...(withIndex ? { indexRefName: indexRef } : {}),
    }),
  };
}

export function dataView(options: { id: string; title: string; name: string }): SavedObject {
  return {
    type: 'index-pattern',
    id: options.id,
    attributes: {
      title: options.title,
      name: options.name,
      timeFieldName: '@timestamp',
      allowHidden: false,
    },
    references: [],
  };
}

export function savedSearch(options: {
  id: string;
  title: string;
  description: string;
  query: string;
  columns: string[];
  dataViewId: string;
}): SavedObject {
  return {
    type: 'search',
    id: options.id,
    attributes: {
      title: options.title,
      description: options.description,
      columns: options.columns,
      sort: [['@timestamp', 'desc']],
      grid: {},
      hideChart: false,
      isTextBasedQuery: false,
      kibanaSavedObjectMeta: searchSource(options.query, true),
    },
    references: [{ name: indexRef, type: 'index-pattern', id: options.dataViewId }],
  };
}

export interface Agg {
  id: string;
  type: 'count' | 'date_histogram' | 'terms';
  schema: 'metric' | 'segment' | 'group' | 'bucket';
  params: Record<string, unknown>;
}

export const count: Agg = { id: '1', type: 'count', schema: 'metric', params: {} };
export const overTime: Agg = {
  id: '2',
  type: 'date_histogram',
  schema: 'segment',
  params: { field: '@timestamp', interval: 'auto', min_doc_count: 1, extended_bounds: {} },
};

export function termsAgg(id: string, schema: Agg['schema'], field: string, size: number): Agg {
  return {
    id,
    type: 'terms',
    schema,
    params: { field, size, order: 'desc', orderBy: '1', otherBucket: false, missingBucket: false },
  };
}

function barParams(mode: 'stacked' | 'normal'): Record<string, unknown> {
  return {
    type: 'histogram',
    grid: { categoryLines: false },
    categoryAxes: [
      {
        id: 'CategoryAxis-1',
        type: 'category',
        position: 'bottom',
        show: true,
        scale: { type: 'linear' },
        labels: { show: true, filter: true, truncate: 100 },
        title: {},
      },
    ],
    valueAxes: [
      {
        id: 'ValueAxis-1',
        name: 'LeftAxis-1',
        type: 'value',
        position: 'left',
        show: true,
        scale: { type: 'linear', mode: 'normal' },
        labels: { show: true, rotate: 0, filter: false, truncate: 100 },
        title: { text: 'Count' },
      },
    ],
    seriesParams: [
      {
        show: true,
        type: 'histogram',
        mode,
        data: { label: 'Count', id: '1' },
        valueAxis: 'ValueAxis-1',
        drawLinesBetweenPoints: true,
        lineWidth: 2,
        showCircles: true,
      },
    ],
    addTooltip: true,
    addLegend: true,
    legendPosition: 'right',
    times: [],
    addTimeMarker: false,
  };
}

const tableParams = {
  perPage: 10,
  showPartialRows: false,
  showMetricsAtAllLevels: false,
  showTotal: false,
  totalFunc: 'sum',
  percentageCol: '',
};

/** A bar chart over time (optionally split by a field) or a table of top terms. */
export function visualization(options: {
  id: string;
  title: string;
  description: string;
  kind: 'bars' | 'table';
  query: string;
  aggs: Agg[];
  dataViewId: string;
}): SavedObject {
  const visState = {
    title: options.title,
    type: options.kind === 'bars' ? 'histogram' : 'table',
    params: options.kind === 'bars' ? barParams('stacked') : tableParams,
    aggs: options.aggs.map((a) => ({ ...a, enabled: true })),
  };
  return {
    type: 'visualization',
    id: options.id,
    attributes: {
      title: options.title,
      description: options.description,
      visState: JSON.stringify(visState),
      uiStateJSON: '{}',
      version: 1,
      kibanaSavedObjectMeta: searchSource(options.query, true),
    },
    references: [{ name: indexRef, type: 'index-pattern', id: options.dataViewId }],
  };
}

export interface Panel {
  object: SavedObject;
  w: number;
  h: number;
}

/** Lays panels out left to right on Kibana's 48-column grid. */
export function dashboard(options: {
  id: string;
  title: string;
  description: string;
  panels: Panel[];
  timeFrom?: string;
}): SavedObject {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const panels = options.panels.map((panel, i) => {
    if (x + panel.w > 48) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridData = { x, y, w: panel.w, h: panel.h, i: String(i + 1) };
    x += panel.w;
    rowHeight = Math.max(rowHeight, panel.h);
    return {
      type: panel.object.type,
      panelIndex: String(i + 1),
      gridData,
      panelRefName: `panel_${i}`,
      embeddableConfig: {},
    };
  });
  return {
    type: 'dashboard',
    id: options.id,
    attributes: {
      title: options.title,
      description: options.description,
      panelsJSON: JSON.stringify(panels),
      optionsJSON: JSON.stringify({
        useMargins: true,
        syncColors: false,
        syncCursor: true,
        syncTooltips: false,
        hidePanelTitles: false,
      }),
      timeRestore: true,
      timeFrom: options.timeFrom ?? 'now-24h',
      timeTo: 'now',
      refreshInterval: { pause: false, value: 60_000 },
      kibanaSavedObjectMeta: searchSource('', false),
    },
    references: options.panels.map((p, i) => ({
      name: `panel_${i}`,
      type: p.object.type,
      id: p.object.id,
    })),
  };
}
