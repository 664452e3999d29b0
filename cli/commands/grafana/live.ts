/** `grafana diff|apply|export|token create`: the verbs that talk to a Grafana. */
import { readFileSync } from 'node:fs';
import { AppError } from '../../../api/contract/errors.ts';
import {
  allChanges,
  applyGrafana,
  exportable,
  planGrafana,
  type DesiredGrafana,
} from '../../../ops/grafana/apply.ts';
import { grafanaClient } from '../../../ops/grafana/client.ts';
import { dataSources, folder, fromEnv } from '../../../ops/grafana/datasources.ts';
import { createServiceAccountToken } from '../../../ops/grafana/service-account.ts';
import { renderDashboards } from '../../../ops/grafana/dashboard-builders/index.ts';
import { diffExit } from '../../../ops/lib/exit-codes.ts';
import { gitCommit } from '../../../ops/lib/git.ts';
import { hasDifferences } from '../../../ops/lib/plan.ts';
import { printApplied, printPlan } from '../../plan-output.ts';
import { serviceUrl } from '../../connections.ts';
import type { CliContext } from '../../context.ts';
import { readStdin } from '../../prompt.ts';

interface ConnectOptions {
  url?: string;
  tokenStdin?: boolean;
  tokenFile?: string;
}

async function connect(ctx: CliContext, opts: ConnectOptions) {
  const url = serviceUrl(ctx.env, 'grafana', opts.url);
  const token = opts.tokenStdin
    ? (await readStdin()).trim()
    : opts.tokenFile
      ? readFileSync(opts.tokenFile, 'utf8').trim()
      : ctx.env.PONGCTL_GRAFANA_TOKEN;
  if (!token)
    throw new AppError(
      'UNAUTHENTICATED',
      'a Grafana service-account token is required: PONGCTL_GRAFANA_TOKEN, --token-stdin or --token-file (pongctl grafana token create makes one)',
    );
  return grafanaClient(url, token);
}

function desired(ctx: CliContext): DesiredGrafana {
  return { folder, dataSources: dataSources(fromEnv(ctx.env)), dashboards: renderDashboards() };
}

export async function diff(
  ctx: CliContext,
  opts: ConnectOptions & { prune?: boolean },
): Promise<number> {
  const plan = await planGrafana(await connect(ctx, opts), desired(ctx), { prune: opts.prune });
  await printPlan(ctx, allChanges(plan));
  return hasDifferences(allChanges(plan)) ? diffExit.different : diffExit.same;
}

export async function apply(
  ctx: CliContext,
  opts: ConnectOptions & { prune?: boolean; dryRun?: boolean; force?: boolean },
): Promise<number> {
  const client = await connect(ctx, opts);
  const want = desired(ctx);
  const plan = await planGrafana(client, want, { prune: opts.prune });
  if (!hasDifferences(allChanges(plan))) {
    await printApplied(ctx, allChanges(plan), { applied: [] });
    ctx.io.success('no changes: Grafana matches the desired folder, data sources and dashboards');
    return 0;
  }
  if (ctx.io.format === 'table') await printPlan(ctx, allChanges(plan));
  const result = await applyGrafana(client, plan, {
    dryRun: opts.dryRun,
    force: opts.force,
    commit: gitCommit(ctx.env),
  });
  if (opts.dryRun) {
    await printApplied(ctx, allChanges(plan), {});
    ctx.io.info('dry run: nothing changed');
    return 0;
  }
  const after = await planGrafana(client, want, { prune: opts.prune });
  if (hasDifferences(allChanges(after))) {
    throw new AppError(
      'INTERNAL',
      'Grafana still differs after apply',
      allChanges(after)
        .filter((c) => c.action !== 'unchanged')
        .map((c) => `${c.kind} ${c.id}`),
    );
  }
  await printApplied(ctx, allChanges(plan), { applied: result.applied });
  ctx.io.success(`applied ${result.applied.length} change(s); a fresh diff is empty`);
  return 0;
}

export async function exportDashboard(
  ctx: CliContext,
  uid: string,
  opts: ConnectOptions,
): Promise<void> {
  const live = await (await connect(ctx, opts)).getDashboard(uid);
  if (!live) throw new AppError('NOT_FOUND', `Grafana has no dashboard with uid ${uid}`);
  ctx.io.out(JSON.stringify(exportable(live), null, 2));
}

export async function createToken(
  ctx: CliContext,
  opts: {
    url?: string;
    adminUser: string;
    passwordStdin?: boolean;
    account: string;
    tokenName?: string;
    expiresIn: string;
  },
): Promise<void> {
  const url = serviceUrl(ctx.env, 'grafana', opts.url);
  const password = opts.passwordStdin ? await readStdin() : ctx.env.GF_SECURITY_ADMIN_PASSWORD;
  if (!password)
    throw new AppError(
      'VALIDATION',
      'the admin password is required on stdin (--password-stdin) or in GF_SECURITY_ADMIN_PASSWORD',
    );
  const tokenName = opts.tokenName ?? `pongctl-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const secondsToLive = Number(opts.expiresIn);
  if (!Number.isInteger(secondsToLive) || secondsToLive < 0)
    throw new AppError('VALIDATION', '--expires-in must be a whole number of seconds');
  ctx.io.out(
    await createServiceAccountToken({
      url,
      user: opts.adminUser,
      password,
      account: opts.account,
      tokenName,
      secondsToLive,
    }),
  );
}
