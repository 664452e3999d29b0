/**
 * `grafana render`: the committed files made from the TypeScript sources —
 * one JSON per dashboard and the provisioning YAML — as a map of relative path
 * to text, so tests can compare them with the files without writing.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { asReferences, dataSources, folder } from './datasources.ts';
import { renderDashboards } from './dashboard-builders/index.ts';

export const grafanaDir = fileURLToPath(new URL('.', import.meta.url));

export function dashboardJson(dashboard: unknown): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

function provisioningDataSources(): string {
  const list = dataSources(asReferences).map((d) => ({ ...d, orgId: 1, editable: false }));
  return `# Rendered by \`pongctl grafana render\` from ops/grafana/datasources.ts; Grafana expands $VARIABLES.\n${stringify({ apiVersion: 1, datasources: list })}`;
}

function provisioningDashboards(): string {
  const provider = {
    name: 'pongctl',
    orgId: 1,
    folder: folder.title,
    folderUid: folder.uid,
    type: 'file',
    disableDeletion: true,
    allowUiUpdates: false,
    updateIntervalSeconds: 60,
    options: { path: '/var/lib/grafana/dashboards/pongctl', foldersFromFilesStructure: false },
  };
  return `# Rendered by \`pongctl grafana render\`. Mount ops/grafana/dashboards at options.path.\n${stringify({ apiVersion: 1, providers: [provider] })}`;
}

/** Relative path (under ops/grafana) → file text. */
export function renderFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [uid, dashboard] of renderDashboards())
    files.set(`dashboards/${uid}.json`, dashboardJson(dashboard));
  files.set('provisioning/datasources/pongctl.yaml', provisioningDataSources());
  files.set('provisioning/dashboards/pongctl.yaml', provisioningDashboards());
  return files;
}

/** Files whose committed text differs from a fresh render (missing files included). */
export function staleFiles(root = grafanaDir): string[] {
  const stale: string[] = [];
  for (const [relative, text] of renderFiles()) {
    let current: string | undefined;
    try {
      current = readFileSync(path.join(root, relative), 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== text) stale.push(relative);
  }
  return stale;
}

export function writeFiles(root = grafanaDir): string[] {
  const written: string[] = [];
  for (const [relative, text] of renderFiles()) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    written.push(relative);
  }
  return written;
}
