/** The verbs of `pongctl logs retention`: show, diff, apply, status, render, lint. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../api/contract/errors.ts';
import { diffExit } from '../../../ops/lib/exit-codes.ts';
import { hasDifferences } from '../../../ops/lib/plan.ts';
import { printApplied, printPlan } from '../../plan-output.ts';
import { parseVersion } from '../../../ops/elasticsearch/compat.ts';
import { renderDesiredState } from '../../../ops/elasticsearch/render.ts';
import {
  applyRetention,
  compatibilityProblems,
  diffRetention,
} from '../../../ops/elasticsearch/retention.ts';
import { loadRetentionSpec } from '../../../ops/elasticsearch/spec.ts';
import { ilmStatus, retryFailed, showRetention } from '../../../ops/elasticsearch/status.ts';
import type { CliContext } from '../../context.ts';
import { withElasticsearch } from './connection.ts';

interface SpecOptions {
  spec?: string;
}

const mib = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${(bytes / 1024).toFixed(1)} KiB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export async function show(ctx: CliContext, options: SpecOptions): Promise<void> {
  const spec = loadRetentionSpec(options.spec);
  const rows = await withElasticsearch(ctx, ({ client }) => showRetention(client, spec));
  await ctx.io.print(rows, [
    { header: 'STREAM', value: (r) => r.dataset },
    { header: 'POLICY', value: (r) => r.policy },
    { header: 'DESIRED PHASES', value: (r) => r.desiredPhases },
    {
      header: 'LIVE PHASES',
      value: (r) => (r.livePhases === r.desiredPhases ? '=' : r.livePhases),
    },
    {
      header: 'RETENTION (desired / live)',
      value: (r) => `${r.desiredRetention} / ${r.liveRetention}`,
    },
    { header: 'STREAMS', value: (r) => r.dataStreams },
    { header: 'INDICES', value: (r) => r.indices },
    { header: 'SIZE', value: (r) => mib(r.sizeBytes) },
  ]);
}

export async function diff(ctx: CliContext, options: SpecOptions): Promise<number> {
  const spec = loadRetentionSpec(options.spec);
  const run = await withElasticsearch(ctx, ({ client, version }) =>
    diffRetention(client, spec, version),
  );
  for (const problem of run.problems) ctx.io.warn(problem);
  await printPlan(ctx, run.changes);
  return hasDifferences(run.changes) ? diffExit.different : diffExit.same;
}

export async function apply(
  ctx: CliContext,
  options: SpecOptions & { confirm?: boolean; dryRun?: boolean },
): Promise<void> {
  const spec = loadRetentionSpec(options.spec);
  const outcome = await withElasticsearch(ctx, ({ client, version }) =>
    applyRetention(client, spec, version, {
      confirm: Boolean(options.confirm),
      dryRun: options.dryRun,
    }),
  );
  const applied = outcome.result.applied;
  await printApplied(
    ctx,
    outcome.changes,
    { applied, dryRun: Boolean(options.dryRun) },
    { diff: applied.length > 0 },
  );
  const n = outcome.result.applied.length;
  if (options.dryRun) ctx.io.info(`dry run: ${n} change(s) would be applied`);
  else
    ctx.io.success(
      n === 0
        ? 'retention already matches the spec'
        : `applied ${n} change(s); the cluster now matches the spec`,
    );
}

export async function status(
  ctx: CliContext,
  options: { retry?: boolean; stuckAfter: string },
): Promise<number> {
  const hours = Number(options.stuckAfter);
  if (!Number.isFinite(hours) || hours <= 0)
    throw new AppError('VALIDATION', '--stuck-after must be a number of hours');
  return withElasticsearch(ctx, async ({ client }) => {
    let rows = await ilmStatus(client, { now: Date.now(), stuckAfterMs: hours * 3_600_000 });
    if (options.retry) {
      const retried = await retryFailed(client, rows);
      for (const index of retried) ctx.io.success(`retried ILM on ${index}`);
      if (retried.length > 0)
        rows = await ilmStatus(client, { now: Date.now(), stuckAfterMs: hours * 3_600_000 });
    }
    await ctx.io.print(rows, [
      { header: 'INDEX', value: (r) => r.index },
      { header: 'POLICY', value: (r) => r.policy },
      { header: 'PHASE', value: (r) => r.phase },
      { header: 'ACTION', value: (r) => r.action },
      {
        header: 'STEP',
        value: (r) =>
          r.problem ? ctx.io.paint(r.problem === 'error' ? 'red' : 'yellow', r.step) : r.step,
      },
      { header: 'PROBLEM', value: (r) => r.reason },
    ]);
    const problems = rows.filter(
      (r) => r.problem === 'error' || (r.problem === 'stuck' && !options.retry),
    ).length;
    if (problems > 0)
      ctx.io.warn(
        `${problems} index(es) need attention${options.retry ? '' : ' (--retry retries failed steps)'}`,
      );
    return rows.some((r) => r.problem === 'error') ? 1 : 0;
  });
}

export async function render(
  ctx: CliContext,
  options: SpecOptions & { out?: string },
): Promise<void> {
  const state = renderDesiredState(loadRetentionSpec(options.spec));
  const files: [string, unknown][] = [
    ...[...state.repositories].map(([id, body]): [string, unknown] => [
      `snapshot-repository.${id}.json`,
      body,
    ]),
    ...[...state.ilmPolicies].map(([id, body]): [string, unknown] => [
      `ilm-policy.${id}.json`,
      body,
    ]),
    ...[...state.templates].map(([id, body]): [string, unknown] => [
      `index-template.${id}.json`,
      body,
    ]),
    ...[...state.slmPolicies].map(([id, body]): [string, unknown] => [
      `slm-policy.${id}.json`,
      body,
    ]),
    ...[...state.lifecycles].map(([id, body]): [string, unknown] => [
      `data-stream-lifecycle.${id.replace('*', '_')}.json`,
      body,
    ]),
  ];
  if (!options.out) {
    await ctx.io.print(Object.fromEntries(files.map(([name, body]) => [name, body])), []);
    return;
  }
  mkdirSync(options.out, { recursive: true });
  for (const [name, body] of files)
    writeFileSync(path.join(options.out, name), `${JSON.stringify(body, null, 2)}\n`);
  ctx.io.success(`wrote ${files.length} files to ${options.out}`);
}

export async function lint(
  ctx: CliContext,
  options: SpecOptions & { target: string },
): Promise<number> {
  const spec = loadRetentionSpec(options.spec);
  const problems = compatibilityProblems(
    spec,
    renderDesiredState(spec),
    parseVersion(options.target),
  );
  for (const stream of Object.values(spec.streams)) {
    if (stream.warm?.allocate?.require)
      ctx.io.warn(
        'warm.allocate.require pins indices to nodes with that attribute; on a cluster without them ILM waits forever (prefer migrate: true)',
      );
  }
  for (const problem of problems) ctx.io.error(problem);
  if (problems.length > 0) return 2;
  ctx.io.success(`the retention spec is valid for Elasticsearch ${options.target}`);
  return 0;
}
