/**
 * `grafana diff` and `grafana apply`: folder, data sources and dashboards by
 * uid. Comparison drops what Grafana adds (ids, versions, read-back-only
 * fields), so a diff right after an apply is empty. Dashboards always carry
 * folderUid (omitting it moves a dashboard to the root) and the git commit in
 * the version message. Secrets are write-only: only their names are compared.
 */
import { AppError } from '../../api/contract/errors.ts';
import { applyChanges, planChanges, type ApplyResult, type Change } from '../lib/plan.ts';
import type { GrafanaClient, LiveDashboard, LiveDataSource, LiveFolder } from './client.ts';
import type { DataSourceSpec } from './datasources.ts';

export interface DesiredGrafana {
  folder: { uid: string; title: string };
  dataSources: DataSourceSpec[];
  dashboards: Map<string, Record<string, unknown>>;
}

type Json = Record<string, unknown>;
/** Managed data sources have uids with this prefix; --prune never touches others. */
const managedPrefix = 'pongctl-';

export function normalizeDataSource(d: DataSourceSpec | LiveDataSource): Json {
  const secure =
    'secureJsonFields' in d
      ? Object.keys(d.secureJsonFields ?? {}).filter((k) => d.secureJsonFields![k])
      : Object.keys((d as DataSourceSpec).secureJsonData ?? {});
  return {
    uid: d.uid,
    name: d.name,
    type: d.type,
    access: d.access,
    url: d.url,
    isDefault: d.isDefault,
    user: d.user || undefined,
    jsonData: d.jsonData ?? {},
    secureFields: secure.sort(),
  };
}

export function normalizeDashboard(d: { dashboard: Json; folderUid?: string }): Json {
  const { id: _id, version: _version, ...rest } = d.dashboard;
  return { folderUid: d.folderUid ?? '', dashboard: rest };
}

export interface GrafanaPlan {
  folders: Change<{ uid: string; title: string; version?: number }>[];
  dataSources: Change<DataSourceSpec | LiveDataSource>[];
  dashboards: Change<{ dashboard: Json; folderUid: string; version?: number }>[];
}

async function liveDashboards(client: GrafanaClient, desired: DesiredGrafana, prune: boolean) {
  const uids = new Set(desired.dashboards.keys());
  if (prune) for (const hit of await client.searchFolder(desired.folder.uid)) uids.add(hit.uid);
  const live = new Map<string, { dashboard: Json; folderUid: string; version?: number }>();
  for (const uid of uids) {
    const found: LiveDashboard | undefined = await client.getDashboard(uid);
    if (found)
      live.set(uid, {
        dashboard: found.dashboard,
        folderUid: found.meta.folderUid ?? '',
        version: found.meta.version,
      });
  }
  return live;
}

export async function planGrafana(
  client: GrafanaClient,
  desired: DesiredGrafana,
  options: { prune?: boolean } = {},
): Promise<GrafanaPlan> {
  const prune = Boolean(options.prune);
  const folder: LiveFolder | undefined = await client.getFolder(desired.folder.uid);
  const folders = planChanges(
    'folder',
    new Map([[desired.folder.uid, desired.folder]]),
    folder ? new Map([[folder.uid, folder]]) : new Map(),
    {
      normalize: (f) => ({ uid: f.uid, title: f.title }),
    },
  );
  const liveSources = new Map<string, LiveDataSource>();
  for (const d of desired.dataSources) {
    const found = await client.getDataSource(d.uid);
    if (found) liveSources.set(d.uid, found);
  }
  if (prune)
    for (const d of await client.listDataSources())
      if (d.uid.startsWith(managedPrefix)) liveSources.set(d.uid, d);
  const dataSources = planChanges<DataSourceSpec | LiveDataSource>(
    'datasource',
    new Map(desired.dataSources.map((d) => [d.uid, d])),
    liveSources,
    {
      normalize: normalizeDataSource,
      prune,
    },
  );
  const wanted = new Map(
    [...desired.dashboards].map(([uid, dashboard]) => [
      uid,
      { dashboard, folderUid: desired.folder.uid },
    ]),
  );
  const dashboards = planChanges(
    'dashboard',
    wanted,
    await liveDashboards(client, desired, prune),
    { normalize: normalizeDashboard, prune },
  );
  return { folders, dataSources, dashboards };
}

export const allChanges = (plan: GrafanaPlan): Change[] => [
  ...plan.folders,
  ...plan.dataSources,
  ...plan.dashboards,
];

export interface ApplyGrafanaOptions {
  dryRun?: boolean;
  /** Overwrite dashboards changed in Grafana since they were read (412 version-mismatch). */
  force?: boolean;
  commit: string;
}

function conflictHint(err: unknown, uid: string): never {
  const status = (err as AppError).details as { status?: string } | undefined;
  if (err instanceof AppError && err.code === 'CONFLICT') {
    const why =
      status?.status === 'version-mismatch'
        ? 'it changed in Grafana after pongctl read it; run grafana diff, then apply --force to overwrite'
        : status?.status === 'name-exists'
          ? 'another dashboard in the folder has the same title but a different uid; rename or delete it'
          : status?.status === 'plugin-dashboard'
            ? 'a plugin owns it'
            : err.message;
    throw new AppError('CONFLICT', `dashboard ${uid}: ${why}`, err.details);
  }
  throw err;
}

/** Applies folder, then data sources, then dashboards. Returns what changed. */
export async function applyGrafana(
  client: GrafanaClient,
  plan: GrafanaPlan,
  options: ApplyGrafanaOptions,
): Promise<ApplyResult> {
  const message = `pongctl grafana apply (git ${options.commit})`;
  const folders = await applyChanges(
    plan.folders,
    {
      create: async (c) => client.createFolder({ uid: c.desired!.uid, title: c.desired!.title }),
      update: async (c) =>
        client.updateFolder({ uid: c.desired!.uid, title: c.desired!.title }, c.live?.version),
    },
    options,
  );
  const sources = await applyChanges(
    plan.dataSources,
    {
      create: async (c) => client.createDataSource(c.desired as DataSourceSpec),
      update: async (c) => {
        if ((c.live as LiveDataSource).readOnly)
          throw new AppError(
            'CONFLICT',
            `data source ${c.id} is provisioned from files (read-only); change the provisioning file instead`,
          );
        await client.updateDataSource(c.desired as DataSourceSpec);
      },
      delete: async (c) => client.deleteDataSource(c.id),
    },
    options,
  );
  const save = async (c: GrafanaPlan['dashboards'][number]) => {
    const dashboard = {
      ...c.desired!.dashboard,
      id: null,
      ...(c.live?.version !== undefined ? { version: c.live.version } : {}),
    };
    await client
      .saveDashboard({
        dashboard,
        folderUid: c.desired!.folderUid,
        message,
        overwrite: Boolean(options.force),
      })
      .catch((err: unknown) => conflictHint(err, c.id));
  };
  const boards = await applyChanges(
    plan.dashboards,
    { create: save, update: save, delete: async (c) => client.deleteDashboard(c.id) },
    options,
  );
  return {
    applied: [...folders.applied, ...sources.applied, ...boards.applied],
    unchanged: folders.unchanged + sources.unchanged + boards.unchanged,
  };
}

/** The dashboard as code would hold it: what `grafana export` prints. */
export function exportable(live: LiveDashboard): Json {
  return normalizeDashboard({ dashboard: live.dashboard, folderUid: live.meta.folderUid })
    .dashboard as Json;
}
