/** Handlers of /conversations, /messages, /channels and the admin chat purge. */
import type { chatEndpoints } from '../../contract/chat.ts';
import * as channels from '../../domain/chat/channels.ts';
import type { ChatDeps } from '../../domain/chat/deps.ts';
import * as moderation from '../../domain/chat/moderation.ts';
import * as chat from '../../domain/chat/service.ts';
import type { HandlersFor } from '../routes.ts';

export function chatHandlers(deps: ChatDeps): HandlersFor<typeof chatEndpoints> {
  return {
    'chat.conversationsList': async ({ actor, query }) => {
      const page = await chat.listConversations(deps, actor, query);
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'chat.conversationsGet': async ({ actor, params }) => ({
      data: await chat.getConversation(deps, actor, params),
    }),
    'chat.directOpen': async ({ actor, body }) => ({
      data: await chat.openDirect(deps, actor, body),
    }),
    'chat.messagesList': async ({ actor, params, query }) => {
      const page = await chat.listMessages(deps, actor, { id: params.id, ...query });
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'chat.messagesSend': async ({ actor, params, body }) => ({
      data: await chat.sendMessage(deps, actor, { conversationId: params.id, body: body.body }),
    }),
    'chat.markRead': async ({ actor, params, body }) => ({
      data: await chat.markRead(deps, actor, {
        conversationId: params.id,
        messageId: body.messageId,
      }),
    }),
    'chat.messagesDelete': async ({ actor, params, ctx }) => ({
      data: await moderation.deleteMessage(deps, actor, {
        id: params.id,
        requestId: ctx.state.requestId,
      }),
    }),
    'chat.channelsList': async ({ actor, query }) => {
      const page = await channels.listChannels(deps, actor, query);
      return { data: page.items, meta: { nextCursor: page.nextCursor } };
    },
    'chat.channelsCreate': async ({ actor, body }) => ({
      data: await channels.createChannel(deps, actor, body),
    }),
    'chat.channelsJoin': async ({ actor, params }) => ({
      data: await channels.joinChannel(deps, actor, params),
    }),
    'chat.channelsLeave': async ({ actor, params }) => ({
      data: await channels.leaveChannel(deps, actor, params),
    }),
    'admin.chatPurge': async ({ actor, params, ctx }) => ({
      data: await moderation.purgeMessages(deps, actor, {
        ...params,
        requestId: ctx.state.requestId,
      }),
    }),
  };
}
