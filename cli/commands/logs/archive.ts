/** The verbs of `pongctl logs archive`: list, run, restore. */
import { restoreArchive, listSnapshots, runArchive } from '../../../ops/elasticsearch/archive.ts';
import { loadRetentionSpec } from '../../../ops/elasticsearch/spec.ts';
import type { CliContext } from '../../context.ts';
import { withElasticsearch } from './connection.ts';

export async function list(ctx: CliContext, options: { spec?: string }): Promise<void> {
  const spec = loadRetentionSpec(options.spec);
  const rows = await withElasticsearch(ctx, ({ client }) => listSnapshots(client, spec));
  await ctx.io.print(rows, [
    { header: 'SNAPSHOT', value: (r) => r.snapshot },
    {
      header: 'STATE',
      value: (r) => (r.state === 'SUCCESS' ? r.state : ctx.io.paint('red', r.state)),
    },
    { header: 'STARTED', value: (r) => r.started },
    { header: 'DURATION', value: (r) => `${(r.durationMs / 1000).toFixed(1)} s` },
    { header: 'DATA STREAMS', value: (r) => r.dataStreams },
    { header: 'POLICY', value: (r) => r.policy },
  ]);
}

export async function runNow(ctx: CliContext, options: { spec?: string }): Promise<void> {
  const spec = loadRetentionSpec(options.spec);
  const name = await withElasticsearch(ctx, ({ client }) => runArchive(client, spec));
  if (ctx.io.format === 'table') ctx.io.out(name);
  else await ctx.io.print({ snapshot: name, repository: spec.archive.repository.name }, []);
  ctx.io.success(`snapshot ${name} started (policy ${spec.archive.policy.id})`);
}

export async function restore(
  ctx: CliContext,
  snapshot: string,
  options: { spec?: string; indices?: string; renamePrefix: string },
): Promise<void> {
  const spec = loadRetentionSpec(options.spec);
  const indices = options.indices
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const body = await withElasticsearch(ctx, ({ client }) =>
    restoreArchive(client, spec, { snapshot, indices, renamePrefix: options.renamePrefix }),
  );
  if (ctx.io.format !== 'table') await ctx.io.print({ snapshot, restore: body }, []);
  ctx.io.success(
    `restore of ${snapshot} accepted (${String(body.indices)}${options.renamePrefix ? `, as ${options.renamePrefix}*` : ''})`,
  );
}
