/**
 * Reads a JSON request body with a size limit: 415 for other content types,
 * 413 past the limit (checked on Content-Length first, then while streaming),
 * 400 for malformed JSON.
 */
import type { Context } from 'koa';
import { AppError } from '../../contract/errors.ts';

const jsonType = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

function tooLarge(limit: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than ${limit} bytes`, {
    limit,
  });
}

async function readLimited(ctx: Context, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      // Stop reading; the error answer closes the connection.
      ctx.req.unpipe();
      ctx.set('Connection', 'close');
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** Returns the parsed JSON body, or undefined when the request has none. */
export async function readJsonBody(ctx: Context, limit: number): Promise<unknown> {
  const length = ctx.get('content-length');
  const chunked = ctx.get('transfer-encoding') !== '';
  if (!chunked && (length === '' || length === '0')) return undefined;
  if (!jsonType.test(ctx.get('content-type'))) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json', {
      contentType: ctx.get('content-type') || null,
    });
  }
  if (length !== '' && Number(length) > limit) {
    ctx.set('Connection', 'close');
    throw tooLarge(limit);
  }
  const raw = await readLimited(ctx, limit);
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    throw new AppError('VALIDATION', 'The request body is not valid JSON', {
      reason: (err as Error).message,
    });
  }
}
