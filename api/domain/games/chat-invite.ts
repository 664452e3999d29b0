/**
 * Invites from chat: in a direct conversation, invite its other member to a
 * match. The invite is the same as POST /matches {opponent} (blocked users
 * refused, game_invite notification, expiry) and is also posted into the
 * conversation as a message whose `invite` (set here, never read from the
 * body) the other side's client turns into an accept button (POST
 * /matches/{id}/accept).
 */
import type { ChatMessage } from '../chat/views.ts';
import type { MatchView } from '../../contract/games.ts';
import { gameSettingsSchema, type GameSettings } from '../../contract/game.ts';
import { AppError } from '../../contract/errors.ts';
import type { Visibility } from '../../game/live-match.ts';
import { requireUser, type Actor } from '../actors.ts';
import type { ChatDeps } from '../chat/deps.ts';
import { getConversation, sendInvite } from '../chat/service.ts';
import type { GamesDeps } from './deps.ts';
import { declineMatch, inviteUser } from './service.ts';

export async function inviteFromChat(
  deps: GamesDeps,
  chat: ChatDeps,
  actor: Actor,
  input: { id: string; settings?: GameSettings; visibility: Visibility },
): Promise<{ match: MatchView; message: ChatMessage }> {
  const user = requireUser(actor);
  const conversation = await getConversation(chat, actor, { id: input.id });
  if (conversation.kind !== 'direct' || conversation.peer === null) {
    throw new AppError('VALIDATION', 'Game invites can be posted in direct conversations only', [
      { path: 'params.id', message: 'not a direct conversation', code: 'custom' },
    ]);
  }
  const settings = input.settings ?? gameSettingsSchema.parse({});
  const match = await inviteUser(deps, user, {
    opponent: conversation.peer.username,
    settings,
    visibility: input.visibility,
  });
  const body = `invites you to a match, first to ${settings.pointsToWin} — accept within ${Math.round(deps.config.inviteTtlMs / 1000)} s`;
  const expiresAt = new Date(match.inviteExpiresAt ?? deps.clock.now() + deps.config.inviteTtlMs);
  try {
    const message = await sendInvite(chat, actor, {
      conversationId: input.id,
      body,
      invite: { matchId: match.id, expiresAt },
    });
    return { match, message };
  } catch (err) {
    // No message, no invite: the other side would never see it (e.g. the chat rate limit).
    await declineMatch(deps, actor, { id: match.id }).catch(() => undefined);
    throw err;
  }
}
