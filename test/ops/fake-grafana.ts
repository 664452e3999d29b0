/**
 * An in-process fake of the documented Grafana HTTP API (folders, data sources,
 * dashboards, search) on 127.0.0.1:0. It keeps state like Grafana, answers
 * 401/404/409/412 where Grafana does, and records every request so tests can
 * assert the exact calls.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  auth: string | undefined;
  body: any;
}

interface StoredDashboard {
  id: number;
  dashboard: Record<string, any>;
  folderUid: string;
  version: number;
}

export interface FakeGrafana {
  url: string;
  token: string;
  requests: Recorded[];
  folders: Map<string, { id: number; uid: string; title: string; version: number }>;
  dataSources: Map<string, Record<string, any>>;
  dashboards: Map<string, StoredDashboard>;
  /** Runs before a POST /api/dashboards/db is handled (to simulate a concurrent edit). */
  beforeSave?: (uid: string) => void;
  mutations(): Recorded[];
  close(): Promise<void>;
}

type Reply = [number, unknown];

function dataSourceRoutes(
  fake: FakeGrafana,
  method: string,
  path: string,
  body: any,
): Reply | undefined {
  const byUid = /^\/api\/datasources\/uid\/([^/]+)$/.exec(path);
  if (method === 'GET' && path === '/api/datasources') return [200, [...fake.dataSources.values()]];
  if (byUid && method === 'GET') {
    const found = fake.dataSources.get(decodeURIComponent(byUid[1]!));
    return found ? [200, found] : [404, { message: 'Data source not found' }];
  }
  if (method === 'POST' && path === '/api/datasources') {
    if ([...fake.dataSources.values()].some((d) => d.name === body.name))
      return [409, { message: 'data source with the same name already exists' }];
    const stored = storeDataSource(fake, body, fake.dataSources.size + 1);
    return [
      200,
      { datasource: stored, id: stored.id, message: 'Datasource added', name: stored.name },
    ];
  }
  if (byUid && method === 'PUT') {
    const existing = fake.dataSources.get(decodeURIComponent(byUid[1]!));
    if (!existing) return [404, { message: 'Data source not found' }];
    storeDataSource(fake, body, existing.id);
    return [200, { message: 'Datasource updated' }];
  }
  if (byUid && method === 'DELETE') {
    return fake.dataSources.delete(decodeURIComponent(byUid[1]!))
      ? [200, { message: 'Data source deleted' }]
      : [404, { message: 'Data source not found' }];
  }
  return undefined;
}

/** Grafana never returns secureJsonData, only which secure fields are set. */
function storeDataSource(fake: FakeGrafana, body: any, id: number): Record<string, any> {
  const { secureJsonData, ...rest } = body;
  const previous = fake.dataSources.get(body.uid)?.secureJsonFields ?? {};
  const secureJsonFields = {
    ...previous,
    ...Object.fromEntries(Object.keys(secureJsonData ?? {}).map((k) => [k, true])),
  };
  const stored = {
    id,
    orgId: 1,
    typeLogoUrl: '',
    basicAuth: false,
    withCredentials: false,
    database: '',
    user: '',
    readOnly: false,
    version: 1,
    jsonData: {},
    ...rest,
    secureJsonFields,
  };
  fake.dataSources.set(body.uid, stored);
  return stored;
}

function saveDashboard(fake: FakeGrafana, body: any): Reply {
  const dash = body.dashboard;
  fake.beforeSave?.(dash.uid);
  const existing = fake.dashboards.get(dash.uid);
  const folderUid = body.folderUid ?? '';
  if (existing && !body.overwrite && dash.version !== existing.version) {
    return [
      412,
      { status: 'version-mismatch', message: 'The dashboard has been changed by someone else' },
    ];
  }
  const clash = [...fake.dashboards.values()].find(
    (d) =>
      d.folderUid === folderUid && d.dashboard.title === dash.title && d.dashboard.uid !== dash.uid,
  );
  if (clash && !body.overwrite)
    return [
      412,
      {
        status: 'name-exists',
        message: 'A dashboard with the same name in the folder already exists',
      },
    ];
  const id = existing?.id ?? fake.dashboards.size + 100;
  const version = (existing?.version ?? 0) + 1;
  fake.dashboards.set(dash.uid, { id, folderUid, version, dashboard: { ...dash, id, version } });
  return [
    200,
    { id, uid: dash.uid, status: 'success', version, url: `/d/${dash.uid}`, slug: dash.uid },
  ];
}

function dashboardRoutes(
  fake: FakeGrafana,
  method: string,
  path: string,
  body: any,
  query: URLSearchParams,
): Reply | undefined {
  const byUid = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(path);
  if (byUid && method === 'GET') {
    const found = fake.dashboards.get(decodeURIComponent(byUid[1]!));
    if (!found) return [404, { message: 'Dashboard not found' }];
    return [
      200,
      {
        dashboard: found.dashboard,
        meta: {
          type: 'db',
          slug: found.dashboard.uid,
          folderUid: found.folderUid,
          version: found.version,
          provisioned: false,
          canSave: true,
        },
      },
    ];
  }
  if (byUid && method === 'DELETE') {
    return fake.dashboards.delete(decodeURIComponent(byUid[1]!))
      ? [200, { title: 'deleted', message: 'Dashboard deleted' }]
      : [404, { message: 'Dashboard not found' }];
  }
  if (method === 'POST' && path === '/api/dashboards/db') return saveDashboard(fake, body);
  if (method === 'GET' && path === '/api/search') {
    const folder = query.get('folderUIDs');
    return [
      200,
      [...fake.dashboards.values()]
        .filter((d) => d.folderUid === folder)
        .map((d) => ({ uid: d.dashboard.uid, title: d.dashboard.title, type: 'dash-db' })),
    ];
  }
  return undefined;
}

function folderRoutes(
  fake: FakeGrafana,
  method: string,
  path: string,
  body: any,
): Reply | undefined {
  const byUid = /^\/api\/folders\/([^/]+)$/.exec(path);
  if (byUid && method === 'GET') {
    const found = fake.folders.get(decodeURIComponent(byUid[1]!));
    return found ? [200, found] : [404, { message: 'folder not found' }];
  }
  if (method === 'POST' && path === '/api/folders') {
    if (fake.folders.has(body.uid))
      return [409, { message: 'a folder with the same uid already exists' }];
    const folder = { id: fake.folders.size + 1, uid: body.uid, title: body.title, version: 1 };
    fake.folders.set(body.uid, folder);
    return [200, folder];
  }
  if (byUid && method === 'PUT') {
    const found = fake.folders.get(decodeURIComponent(byUid[1]!));
    if (!found) return [404, { message: 'folder not found' }];
    found.title = body.title;
    found.version++;
    return [200, found];
  }
  return undefined;
}

export async function startFakeGrafana(token = 'glsa_test_token'): Promise<FakeGrafana> {
  const fake = {
    url: '',
    token,
    requests: [] as Recorded[],
    folders: new Map(),
    dataSources: new Map(),
    dashboards: new Map(),
    mutations(this: FakeGrafana) {
      return this.requests.filter((r) => r.method !== 'GET');
    },
  } as unknown as FakeGrafana;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8').on('data', (d: string) => (raw += d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = raw ? JSON.parse(raw) : undefined;
      fake.requests.push({
        method: req.method!,
        path: `${url.pathname}${url.search}`,
        auth: req.headers.authorization,
        body,
      });
      let reply: Reply | undefined;
      if (req.headers.authorization !== `Bearer ${token}`)
        reply = [401, { message: 'Unauthorized' }];
      reply ??=
        folderRoutes(fake, req.method!, url.pathname, body) ??
        dataSourceRoutes(fake, req.method!, url.pathname, body) ??
        dashboardRoutes(fake, req.method!, url.pathname, body, url.searchParams);
      const [status, json] = reply ?? [404, { message: 'Not found' }];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
