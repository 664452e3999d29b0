/** The verbs of `pongctl kibana`. */
import { readFileSync, writeFileSync } from 'node:fs';
import { diffExit } from '../../../ops/lib/exit-codes.ts';
import { hasDifferences } from '../../../ops/lib/plan.ts';
import { printApplied, printPlan } from '../../plan-output.ts';
import { KibanaClient } from '../../../ops/kibana/client.ts';
import { lintSavedObjects } from '../../../ops/kibana/lint.ts';
import {
  committedNdjsonPath,
  readCommittedNdjson,
  renderNdjson,
} from '../../../ops/kibana/ndjson.ts';
import { buildSavedObjects } from '../../../ops/kibana/objects.ts';
import { applyKibana, diffKibana, kibanaVersion } from '../../../ops/kibana/sync.ts';
import { connectionUrl } from '../../connections.ts';
import type { CliContext } from '../../context.ts';
import { readStdin } from '../../prompt.ts';

export async function render(
  ctx: CliContext,
  options: { out?: string; check?: boolean },
): Promise<number> {
  const text = renderNdjson(buildSavedObjects());
  if (options.check) {
    let committed: string;
    try {
      committed = readFileSync(committedNdjsonPath, 'utf8');
    } catch {
      committed = '';
    }
    if (committed === text) return 0;
    ctx.io.error(`${committedNdjsonPath} is stale: run pongctl kibana render`);
    return 1;
  }
  if (options.out === '-') ctx.io.options.stdout.write(text);
  else {
    const file = options.out ?? committedNdjsonPath;
    writeFileSync(file, text);
    ctx.io.success(`wrote ${text.trimEnd().split('\n').length} saved objects to ${file}`);
  }
  return 0;
}

export async function lint(ctx: CliContext): Promise<number> {
  const objects = readCommittedNdjson();
  const problems = lintSavedObjects(objects);
  if (renderNdjson(buildSavedObjects()) !== renderNdjson(objects))
    problems.push(`${committedNdjsonPath} is stale: run pongctl kibana render`);
  for (const problem of problems) ctx.io.error(problem);
  if (problems.length > 0) return 2;
  ctx.io.success(`${objects.length} saved objects are consistent`);
  return 0;
}

async function client(ctx: CliContext, options: { space?: string }): Promise<KibanaClient> {
  const conn = ctx.kibana;
  const url = connectionUrl(conn, 'kibana');
  const password = conn.passwordFromStdin ? await readStdin() : conn.password;
  const kibana = new KibanaClient({
    url,
    apiKey: conn.apiKey,
    username: conn.username,
    password,
    caFile: conn.caFile,
    space: options.space ?? ctx.env.PONGCTL_KIBANA_SPACE,
  });
  ctx.io.debug(`Kibana ${await kibanaVersion(kibana)} at ${url}`);
  return kibana;
}

export async function diff(ctx: CliContext, options: { space?: string }): Promise<number> {
  const kibana = await client(ctx, options);
  const changes = await diffKibana(kibana, readCommittedNdjson());
  await printPlan(ctx, changes);
  return hasDifferences(changes) ? diffExit.different : diffExit.same;
}

export async function apply(ctx: CliContext, options: { space?: string }): Promise<void> {
  const kibana = await client(ctx, options);
  const { changes, imported } = await applyKibana(kibana, readCommittedNdjson());
  await printApplied(ctx, changes, { imported });
  ctx.io.success(
    imported === 0
      ? 'Kibana already matches'
      : `imported ${imported} saved object(s)${options.space ? ` into space ${options.space}` : ''}; Kibana now matches`,
  );
}
