/**
 * Public channels: anyone lists, joins and leaves them; moderators create
 * them. `world` has implicit members: everyone is in it and nobody leaves it.
 */
import { z } from 'zod';
import { cursorPart, decodeCursor, pageOf } from '../../core/cursor.ts';
import { toAppError } from '../../core/errors.ts';
import { AppError } from '../../contract/errors.ts';
import { isStaff, requireUser, type Actor } from '../actors.ts';
import { now, type ChatDeps } from './deps.ts';
import * as repo from './repo.ts';
import { channelView, type ChannelView } from './views.ts';

async function publicChannel(deps: ChatDeps, name: string): Promise<repo.ConversationRow> {
  const conv = await repo.findChannelByKey(deps.db, name.trim().toLowerCase());
  if (!conv || !conv.is_public) throw new AppError('NOT_FOUND', `No channel #${name}`);
  return conv;
}

export async function listChannels(
  deps: ChatDeps,
  actor: Actor,
  input: { limit: number; cursor?: string },
) {
  const me = requireUser(actor);
  const after = decodeCursor(input.cursor, z.tuple([cursorPart.text]))?.[0];
  const rows = await repo.listChannels(deps.db, {
    userId: me.id,
    afterKey: after,
    limit: input.limit + 1,
  });
  const page = pageOf(rows, input.limit, (r) => [r.name_key!]);
  return {
    items: page.items.map((r) => channelView(r, Boolean(r.is_member))),
    nextCursor: page.nextCursor,
  };
}

/** Creates a public channel (moderators and admins); the creator joins it. */
export async function createChannel(
  deps: ChatDeps,
  actor: Actor,
  input: { name: string },
): Promise<ChannelView> {
  const me = requireUser(actor);
  if (!isStaff(me)) throw new AppError('FORBIDDEN', 'Creating channels needs the moderator role');
  try {
    const row = await deps.db.transaction(async (trx) => {
      const created = await repo.insertChannel(trx, {
        name: input.name,
        createdBy: me.id,
        now: now(deps),
      });
      await repo.addMembers(trx, created.id, [me.id], now(deps));
      return created;
    });
    return channelView(row, true);
  } catch (err) {
    const error = toAppError(err);
    if (error.code === 'CONFLICT')
      throw new AppError('CONFLICT', `A channel #${input.name} already exists`);
    throw error;
  }
}

export async function joinChannel(
  deps: ChatDeps,
  actor: Actor,
  input: { name: string },
): Promise<ChannelView> {
  const me = requireUser(actor);
  const conv = await publicChannel(deps, input.name);
  if (!conv.implicit_members) await repo.addMembers(deps.db, conv.id, [me.id], now(deps));
  return channelView(conv, true);
}

export async function leaveChannel(
  deps: ChatDeps,
  actor: Actor,
  input: { name: string },
): Promise<ChannelView> {
  const me = requireUser(actor);
  const conv = await publicChannel(deps, input.name);
  if (conv.implicit_members)
    throw new AppError('CONFLICT', `Everyone is in #${conv.name}; it cannot be left`);
  await repo.removeMember(deps.db, conv.id, me.id);
  return channelView(conv, false);
}
