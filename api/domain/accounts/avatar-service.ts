/** Uploading, removing and serving avatars (files under PONG_DATA_DIR/avatars, metadata on the user row). */
import { AppError } from '../../contract/errors.ts';
import { requireUser, type Actor } from '../actors.ts';
import { processAvatar } from './avatar-image.ts';
import {
  avatarFile,
  contentEtag,
  identicon,
  readAvatar,
  removeAvatar,
  storeAvatar,
} from './avatars.ts';
import type { AccountsDeps } from './deps.ts';
import { findVisibleUser } from './profile.ts';
import * as repo from './repo.ts';
import { avatarUrl } from './views.ts';

const fileOf = (deps: AccountsDeps, user: repo.UserRow) =>
  user.avatar_etag && user.avatar_type
    ? avatarFile(deps.dataDir, user.id, user.avatar_etag, user.avatar_type)
    : null;

/** Stores the re-encoded image (./avatar-image.ts), never the uploaded bytes. */
export async function putAvatar(deps: AccountsDeps, actor: Actor, upload: Buffer) {
  const { id } = requireUser(actor, 'Only users have an avatar');
  const { bytes, ...info } = await processAvatar(upload);
  const etag = contentEtag(bytes);
  const before = await repo.findUserById(deps.db, id);
  if (!before) throw new AppError('UNAUTHENTICATED', 'The account no longer exists');
  const file = avatarFile(deps.dataDir, id, etag, info.type);
  await storeAvatar(file, bytes);
  const user = await repo.updateUser(
    deps.db,
    id,
    {
      avatar_type: info.type,
      avatar_etag: etag,
      avatar_width: info.width,
      avatar_height: info.height,
      avatar_bytes: bytes.length,
    },
    new Date(deps.clock.now()),
  );
  deps.credentials.invalidateUser(id);
  const old = fileOf(deps, before);
  if (old && old !== file) await removeAvatar(old);
  return {
    avatarUrl: avatarUrl(user),
    contentType: info.type,
    width: info.width,
    height: info.height,
    bytes: bytes.length,
  };
}

export async function deleteAvatar(deps: AccountsDeps, actor: Actor) {
  const { id } = requireUser(actor, 'Only users have an avatar');
  const before = await repo.findUserById(deps.db, id);
  if (!before) throw new AppError('UNAUTHENTICATED', 'The account no longer exists');
  const user = await repo.updateUser(
    deps.db,
    id,
    {
      avatar_type: null,
      avatar_etag: null,
      avatar_width: null,
      avatar_height: null,
      avatar_bytes: null,
    },
    new Date(deps.clock.now()),
  );
  deps.credentials.invalidateUser(id);
  const old = fileOf(deps, before);
  if (old) await removeAvatar(old);
  return { avatarUrl: avatarUrl(user) };
}

export interface AvatarImage {
  body: Buffer | string;
  contentType: string;
  etag: string;
}

/** The uploaded image, or the identicon; public, so deleted accounts answer 404. */
export async function serveAvatar(
  deps: AccountsDeps,
  input: { username: string },
): Promise<AvatarImage> {
  const user = await findVisibleUser(deps.db, input.username);
  const file = fileOf(deps, user);
  if (file && user.avatar_type && user.avatar_etag) {
    try {
      return {
        body: await readAvatar(file),
        contentType: user.avatar_type,
        etag: user.avatar_etag,
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      deps.logger.warn(
        { 'event.action': 'avatar-missing', 'user.id': user.id },
        'avatar file is missing; serving the identicon',
      );
    }
  }
  const svg = identicon(user.username_key);
  return { body: svg, contentType: 'image/svg+xml', etag: contentEtag(svg) };
}
