/**
 * Chat over the WebSocket: every socket joins the channel of conversations
 * with implicit members (world), and `chat.send`, `chat.setTyping` and
 * `chat.markRead` call the same services as the HTTP endpoints. Errors are
 * answered by the dispatcher with the message's id; the socket stays open.
 */
import { everyoneChannel, type ChatDeps } from '../domain/chat/deps.ts';
import { markReadWithReceipt, sendMessage, typing } from '../domain/chat/service.ts';
import { actorOf } from './connection.ts';
import type { Gateway } from './gateway.ts';

export function registerChatRealtime(gateway: Gateway, deps: ChatDeps): void {
  gateway.onConnect((conn) => gateway.join(conn, everyoneChannel));
  gateway.handle('chat.send', async ({ conn, message, reply }) => {
    const stored = await sendMessage(deps, actorOf(conn), {
      conversationId: message.conversationId,
      body: message.body,
    });
    reply({ type: 'chat.sent', message: stored });
  });
  gateway.handle('chat.setTyping', async ({ conn, message }) => {
    await typing(deps, actorOf(conn), { conversationId: message.conversationId });
  });
  gateway.handle('chat.markRead', async ({ conn, message, reply }) => {
    const { receipt } = await markReadWithReceipt(deps, actorOf(conn), {
      conversationId: message.conversationId,
      messageId: message.messageId,
    });
    reply(receipt);
  });
}
