/** Opens an Elasticsearch session for a `logs` verb from the resolved context (flags, env, profile) and stdin. */
import { connectionUrl } from '../../connections.ts';
import type { CliContext } from '../../context.ts';
import { readStdin } from '../../prompt.ts';
import type { EsSession } from '../../../ops/elasticsearch/connect.ts';

export async function openElasticsearch(ctx: CliContext): Promise<EsSession> {
  const conn = ctx.elasticsearch;
  const url = connectionUrl(conn, 'elasticsearch');
  const password = conn.passwordFromStdin ? await readStdin() : conn.password;
  const { connectElasticsearch } = await import('../../../ops/elasticsearch/connect.ts');
  const session = await connectElasticsearch({
    url,
    apiKey: conn.apiKey,
    username: conn.username,
    password,
    caFile: conn.caFile,
  });
  ctx.io.debug(`connected to Elasticsearch ${session.version.number} at ${url}`);
  return session;
}

/** Runs `body` with a session and always closes it. */
export async function withElasticsearch<T>(
  ctx: CliContext,
  body: (session: EsSession) => Promise<T>,
): Promise<T> {
  const session = await openElasticsearch(ctx);
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}
