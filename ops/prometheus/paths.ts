/** Where the monitoring desired state lives in the repository. */
import { fileURLToPath } from 'node:url';

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export const opsPaths = {
  prometheusConfig: here('./prometheus.yml'),
  rulesDir: here('./rules'),
  testsDir: here('./tests'),
  runbook: here('../RUNBOOK.md'),
  alertmanagerConfig: here('../alertmanager/alertmanager.yml'),
  alertmanagerRoutes: here('../alertmanager/routes.test.yml'),
} as const;

/** Alerts link their runbook section under this URL; the anchor is the lower-cased alert name. */
export const runbookBase = 'https://github.com/pongctl/pongctl/blob/main/ops/RUNBOOK.md';
