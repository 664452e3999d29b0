/** Alertmanager routing tests: each case's labels must reach exactly its receivers (amtool decides). */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { runTool } from '../prometheus/promtool.ts';

const routesFileSchema = z.strictObject({
  cases: z.array(
    z.strictObject({
      labels: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()),
      receivers: z.array(z.string().min(1)).min(1),
    }),
  ),
});

export type RouteCase = z.infer<typeof routesFileSchema>['cases'][number];

export interface RouteResult extends RouteCase {
  ok: boolean;
  output: string;
}

export function loadRouteCases(file: string): RouteCase[] {
  return routesFileSchema.parse(parse(readFileSync(file, 'utf8'))).cases;
}

export async function runRouteTests(
  amtool: string,
  configFile: string,
  cases: readonly RouteCase[],
): Promise<RouteResult[]> {
  const results: RouteResult[] = [];
  for (const c of cases) {
    const labels = Object.entries(c.labels).map(([k, v]) => `${k}=${v}`);
    const args = [
      'config',
      'routes',
      'test',
      `--config.file=${configFile}`,
      `--verify.receivers=${c.receivers.join(',')}`,
      ...labels,
    ];
    const run = await runTool(amtool, args);
    results.push({ ...c, ok: run.code === 0, output: `${run.stdout}${run.stderr}`.trim() });
  }
  return results;
}
