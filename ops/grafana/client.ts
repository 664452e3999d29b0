/**
 * The Grafana HTTP API calls pongctl needs, with a service-account token
 * (Authorization: Bearer). Replies are validated with zod; Grafana adds fields
 * between versions, so unknown ones are ignored rather than rejected. Errors
 * become AppErrors: 404 → absent, 409/412 → CONFLICT with Grafana's reason.
 */
import { z } from 'zod';
import { AppError } from '../../api/contract/errors.ts';

const folderSchema = z.object({
  uid: z.string(),
  title: z.string(),
  version: z.number().optional(),
});
const dataSourceSchema = z.object({
  uid: z.string(),
  name: z.string(),
  type: z.string(),
  access: z.string(),
  url: z.string(),
  isDefault: z.boolean(),
  user: z.string().optional(),
  jsonData: z.record(z.string(), z.unknown()).optional(),
  secureJsonFields: z.record(z.string(), z.boolean()).optional(),
  readOnly: z.boolean().optional(),
});
const dashboardReply = z.object({
  dashboard: z.record(z.string(), z.unknown()),
  meta: z.object({
    folderUid: z.string().optional(),
    version: z.number().optional(),
    provisioned: z.boolean().optional(),
  }),
});
const searchHit = z.object({ uid: z.string(), title: z.string(), type: z.string() });

export type LiveFolder = z.infer<typeof folderSchema>;
export type LiveDataSource = z.infer<typeof dataSourceSchema>;
export type LiveDashboard = z.infer<typeof dashboardReply>;

export interface SaveDashboard {
  dashboard: Record<string, unknown>;
  folderUid: string;
  message: string;
  overwrite: boolean;
}

export function grafanaClient(baseUrl: string, token: string) {
  const base = baseUrl.replace(/\/+$/, '');
  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new AppError(
        'UNAVAILABLE',
        `cannot reach Grafana at ${base}: ${(err as Error).message}`,
      );
    }
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (res.status === 401 || res.status === 403)
      throw new AppError(
        'FORBIDDEN',
        `Grafana refused the token for ${method} ${path} (${res.status}); it needs the Admin role`,
      );
    return { status: res.status, json };
  }
  const reason = (json: unknown) => (json as { message?: string } | undefined)?.message ?? '';
  const expect = (r: { status: number; json: unknown }, what: string) => {
    if (r.status >= 200 && r.status < 300) return r.json;
    if (r.status === 409 || r.status === 412)
      throw new AppError('CONFLICT', `${what}: ${reason(r.json)}`, r.json);
    if (r.status === 400 || r.status === 422)
      throw new AppError('VALIDATION', `${what}: ${reason(r.json)}`, r.json);
    throw new AppError(
      'UNAVAILABLE',
      `${what}: Grafana answered ${r.status} ${reason(r.json)}`.trim(),
    );
  };
  const getOrAbsent = async <T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> => {
    const r = await call('GET', path);
    return r.status === 404 ? undefined : schema.parse(expect(r, `GET ${path}`));
  };
  return {
    getFolder: (uid: string) =>
      getOrAbsent(`/api/folders/${encodeURIComponent(uid)}`, folderSchema),
    createFolder: async (f: { uid: string; title: string }) =>
      void expect(await call('POST', '/api/folders', f), `create folder ${f.uid}`),
    updateFolder: async (f: { uid: string; title: string }, version: number | undefined) =>
      void expect(
        await call('PUT', `/api/folders/${encodeURIComponent(f.uid)}`, {
          title: f.title,
          version,
          overwrite: version === undefined,
        }),
        `update folder ${f.uid}`,
      ),
    getDataSource: (uid: string) =>
      getOrAbsent(`/api/datasources/uid/${encodeURIComponent(uid)}`, dataSourceSchema),
    listDataSources: async () =>
      z
        .array(dataSourceSchema)
        .parse(expect(await call('GET', '/api/datasources'), 'list data sources')),
    createDataSource: async (d: object & { uid: string }) =>
      void expect(await call('POST', '/api/datasources', d), `create data source ${d.uid}`),
    updateDataSource: async (d: object & { uid: string }) =>
      void expect(
        await call('PUT', `/api/datasources/uid/${encodeURIComponent(d.uid)}`, d),
        `update data source ${d.uid}`,
      ),
    deleteDataSource: async (uid: string) =>
      void expect(
        await call('DELETE', `/api/datasources/uid/${encodeURIComponent(uid)}`),
        `delete data source ${uid}`,
      ),
    getDashboard: (uid: string) =>
      getOrAbsent(`/api/dashboards/uid/${encodeURIComponent(uid)}`, dashboardReply),
    saveDashboard: async (body: SaveDashboard) =>
      void expect(
        await call('POST', '/api/dashboards/db', body),
        `save dashboard ${String(body.dashboard.uid)}`,
      ),
    deleteDashboard: async (uid: string) =>
      void expect(
        await call('DELETE', `/api/dashboards/uid/${encodeURIComponent(uid)}`),
        `delete dashboard ${uid}`,
      ),
    searchFolder: async (folderUid: string) =>
      z
        .array(searchHit)
        .parse(
          expect(
            await call(
              'GET',
              `/api/search?type=dash-db&folderUIDs=${encodeURIComponent(folderUid)}`,
            ),
            'search dashboards',
          ),
        ),
  };
}

export type GrafanaClient = ReturnType<typeof grafanaClient>;
