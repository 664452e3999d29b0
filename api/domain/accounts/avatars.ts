/**
 * Avatar files: they live under PONG_DATA_DIR/avatars named by user id and
 * content hash (what is stored is the re-encoded image of ./avatar-image.ts);
 * users without one get a deterministic SVG identicon of their username.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const contentEtag = (bytes: Buffer | string) =>
  createHash('sha256').update(bytes).digest('hex').slice(0, 32);

const extension = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' } as const;

export function avatarFile(dataDir: string, userId: string, etag: string, type: string): string {
  return path.join(
    path.resolve(dataDir),
    'avatars',
    `${userId}-${etag}.${extension[type as keyof typeof extension] ?? 'bin'}`,
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
