/** Opens an Elasticsearch session for a `logs` verb from the resolved context (flags, env, profile) and stdin. */
import { AppError } from '../../../api/contract/errors.ts';
import type { CliContext } from '../../context.ts';
import type { EsSession } from '../../../ops/elasticsearch/connect.ts';

export async function readStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function openElasticsearch(ctx: CliContext): Promise<EsSession> {
  const conn = ctx.elasticsearch;
  if (!conn.url)
    throw new AppError('VALIDATION', 'no Elasticsearch URL: pass --es-url or set PONGCTL_ES_URL');
  const password = conn.passwordFromStdin ? await readStdin() : conn.password;
  const { connectElasticsearch } = await import('../../../ops/elasticsearch/connect.ts');
  const session = await connectElasticsearch({
    url: conn.url,
    apiKey: conn.apiKey,
    username: conn.username,
    password,
    caFile: conn.caFile,
  });
  ctx.io.debug(`connected to Elasticsearch ${session.version.number} at ${conn.url}`);
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
