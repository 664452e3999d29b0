/** Paths and URLs the alerts verbs share: flags first, then their PONGCTL_* twins. */
import { AppError } from '../../../api/contract/errors.ts';
import { opsPaths } from '../../../ops/prometheus/paths.ts';
import type { MonitoringPaths } from '../../../ops/prometheus/check.ts';
import type { CliContext } from '../../context.ts';

export function monitoringPaths(opts: { rules?: string; tests?: string }): MonitoringPaths {
  return {
    ...opsPaths,
    rulesDir: opts.rules ?? opsPaths.rulesDir,
    testsDir: opts.tests ?? opsPaths.testsDir,
  };
}

export function required(
  value: string | undefined,
  what: string,
  flag: string,
  env: string,
): string {
  if (!value) throw new AppError('VALIDATION', `${what} is required: pass ${flag} or set ${env}`);
  return value;
}

export function prometheusUrl(ctx: CliContext, opts: { prometheus?: string }): string {
  return required(
    opts.prometheus ?? ctx.env.PONGCTL_PROMETHEUS_URL,
    'the Prometheus URL',
    '--prometheus',
    'PONGCTL_PROMETHEUS_URL',
  );
}

export function alertmanagerUrl(ctx: CliContext, opts: { alertmanager?: string }): string {
  return required(
    opts.alertmanager ?? ctx.env.PONGCTL_ALERTMANAGER_URL,
    'the Alertmanager URL',
    '--alertmanager',
    'PONGCTL_ALERTMANAGER_URL',
  );
}
