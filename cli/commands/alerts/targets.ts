/** Paths and URLs the alerts verbs share (URLs resolved by cli/connections.ts). */
import { opsPaths } from '../../../ops/prometheus/paths.ts';
import type { MonitoringPaths } from '../../../ops/prometheus/check.ts';
import { serviceUrl } from '../../connections.ts';
import type { CliContext } from '../../context.ts';

export function monitoringPaths(opts: { rules?: string; tests?: string }): MonitoringPaths {
  return {
    ...opsPaths,
    rulesDir: opts.rules ?? opsPaths.rulesDir,
    testsDir: opts.tests ?? opsPaths.testsDir,
  };
}

export function prometheusUrl(ctx: CliContext, opts: { prometheus?: string }): string {
  return serviceUrl(ctx.env, 'prometheus', opts.prometheus);
}

export function alertmanagerUrl(ctx: CliContext, opts: { alertmanager?: string }): string {
  return serviceUrl(ctx.env, 'alertmanager', opts.alertmanager);
}
