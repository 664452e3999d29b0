/**
 * GET /admin/presence: counts across every instance and one page of the
 * online users (in user id order, so the cursor stays valid while people come
 * and go).
 */
import { z } from 'zod';
import { encodeCursor, cursorPart, decodeCursor } from '../../core/cursor.ts';
import { requireRole, type Actor } from '../actors.ts';
import type { SocialDeps } from './deps.ts';
import * as repo from './repo.ts';

export async function adminPresence(
  deps: SocialDeps,
  actor: Actor,
  input: { limit: number; cursor?: string },
) {
  requireRole(actor, 'admin', 'Presence of everyone needs the admin role');
  const after = decodeCursor(input.cursor, z.tuple([cursorPart.uuid]))?.[0];
  const { sockets, matches } = await deps.presence.snapshot();
  const ids = [...sockets.keys()].sort();
  const inGame = ids.filter((id) => matches.has(id)).length;
  const total = [...sockets.values()].reduce((sum, n) => sum + n, 0);
  const from = after === undefined ? 0 : ids.findIndex((id) => id > after);
  const pageIds = from < 0 ? [] : ids.slice(from, from + input.limit);
  const names = new Map((await repo.usersByIds(deps.db, pageIds)).map((u) => [u.id, u.username]));
  const users = pageIds
    .filter((id) => names.has(id))
    .map((id) => ({
      username: names.get(id)!,
      status: matches.has(id) ? ('in_game' as const) : ('online' as const),
      sockets: sockets.get(id)!,
    }));
  const more = from >= 0 && from + input.limit < ids.length;
  return {
    data: { counts: { online: ids.length, inGame, sockets: total }, users },
    nextCursor: more ? encodeCursor([pageIds.at(-1)!]) : null,
  };
}
