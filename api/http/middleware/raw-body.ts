/**
 * Reads a binary request body (an avatar image) with its own size limit:
 * 413 past the limit (Content-Length first, then while streaming), 415 for a
 * content type the endpoint does not accept. What the bytes really are is the
 * domain's check (magic bytes), not the header's.
 */
import type { Context } from 'koa';
import { AppError } from '../../contract/errors.ts';

export async function readBinaryBody(
  ctx: Context,
  accept: { contentTypes: readonly string[]; maxBytes: number },
): Promise<Buffer> {
  const type = ctx.get('content-type').split(';')[0]!.trim().toLowerCase();
  if (!accept.contentTypes.includes(type)) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `The body must be one of ${accept.contentTypes.join(', ')}`,
      { contentType: type || null, accepted: accept.contentTypes },
    );
  }
  const tooLarge = () => {
    ctx.set('Connection', 'close');
    return new AppError('PAYLOAD_TOO_LARGE', `The body is larger than ${accept.maxBytes} bytes`, {
      limit: accept.maxBytes,
    });
  };
  const length = ctx.get('content-length');
  if (length !== '' && Number(length) > accept.maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > accept.maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  if (size === 0)
    throw new AppError('VALIDATION', 'The request body is empty', [
      { path: 'body', message: 'required', code: 'invalid_type' },
    ]);
  return Buffer.concat(chunks, size);
}
