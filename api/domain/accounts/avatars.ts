/**
 * Avatars: the image type comes from the magic bytes (PNG, JPEG, WebP) and the
 * pixel size from the headers, never from what the client claims. Files live
 * under PONG_DATA_DIR/avatars named by user id and content hash; users without
 * one get a deterministic SVG identicon of their username.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../core/errors.ts';

export const maxAvatarBytes = 2 * 1024 * 1024;
export const maxAvatarPixels = 4096;

export interface ImageInfo {
  type: 'image/png' | 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
}

function png(b: Buffer): ImageInfo | null {
  if (
    b.length < 24 ||
    !b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return null;
  if (b.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { type: 'image/png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function jpeg(b: Buffer): ImageInfo | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8 || b[2] !== 0xff) return null;
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const length = b.readUInt16BE(i + 2);
    // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { type: 'image/jpeg', height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  return null;
}

function webp(b: Buffer): ImageInfo | null {
  if (
    b.length < 30 ||
    b.toString('latin1', 0, 4) !== 'RIFF' ||
    b.toString('latin1', 8, 12) !== 'WEBP'
  )
    return null;
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8 ')
    return {
      type: 'image/webp',
      width: b.readUInt16LE(26) & 0x3fff,
      height: b.readUInt16LE(28) & 0x3fff,
    };
  if (chunk === 'VP8L') {
    const bits = b.readUInt32LE(21);
    return { type: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X')
    return { type: 'image/webp', width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  return null;
}

/** Recognises the image or throws UNSUPPORTED_MEDIA_TYPE / VALIDATION / PAYLOAD_TOO_LARGE. */
export function inspectImage(bytes: Buffer): ImageInfo {
  if (bytes.length > maxAvatarBytes)
    throw new AppError('PAYLOAD_TOO_LARGE', `An avatar is at most ${maxAvatarBytes} bytes`, {
      limit: maxAvatarBytes,
    });
  const info = png(bytes) ?? jpeg(bytes) ?? webp(bytes);
  if (!info)
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The avatar must be a PNG, JPEG or WebP image', {
      accepted: ['image/png', 'image/jpeg', 'image/webp'],
    });
  if (
    info.width < 1 ||
    info.height < 1 ||
    info.width > maxAvatarPixels ||
    info.height > maxAvatarPixels
  ) {
    throw new AppError(
      'VALIDATION',
      `An avatar is at most ${maxAvatarPixels}×${maxAvatarPixels} pixels`,
      [{ path: 'body', message: `image is ${info.width}×${info.height}`, code: 'too_big' }],
    );
  }
  return info;
}

export const contentEtag = (bytes: Buffer | string) =>
  createHash('sha256').update(bytes).digest('hex').slice(0, 32);

const extension = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' } as const;

export function avatarFile(dataDir: string, userId: string, etag: string, type: string): string {
  return path.join(
    path.resolve(dataDir),
    'avatars',
    `${userId}-${etag}.${extension[type as ImageInfo['type']] ?? 'bin'}`,
  );
}

/** Writes atomically (temp file + rename) so a reader never sees half an image. */
export async function storeAvatar(file: string, bytes: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, bytes, { mode: 0o600 });
  await rename(temp, file);
}

export const readAvatar = (file: string) => readFile(file);

export async function removeAvatar(file: string): Promise<void> {
  await unlink(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/** A 5×5 mirrored identicon in a colour taken from the username's hash. */
export function identicon(usernameKey: string): string {
  const hash = createHash('sha256').update(usernameKey).digest();
  const hue = hash.readUInt16BE(0) % 360;
  const cells: string[] = [];
  for (let row = 0; row < 5; row++) {
    for (let col = 0; col < 3; col++) {
      if ((hash[2 + row * 3 + col]! & 1) === 0) continue;
      for (const x of new Set([col, 4 - col]))
        cells.push(`<rect x="${x + 1}" y="${row + 1}" width="1" height="1"/>`);
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 7 7" width="256" height="256" shape-rendering="crispEdges"><rect width="7" height="7" fill="hsl(${hue},25%,92%)"/><g fill="hsl(${hue},55%,45%)">${cells.join('')}</g></svg>`;
}
