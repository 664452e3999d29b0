/**
 * `pongctl chat tail`: follows one channel live over the WebSocket. Lines are
 * `HH:MM:SS user: body` (UTC), or one JSON object per line with -o json.
 * Ctrl-C (or SIGTERM) closes the socket normally and exits 0; a socket the
 * server closes ends the command with the close code's error.
 */
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import {
  chatMessages,
  type chatMessageSchema,
  type channelSchema,
} from '../../../api/contract/chat.ts';
import { AppError } from '../../../api/contract/errors.ts';
import type { ApiClient } from '../../client.ts';
import type { CliContext } from '../../context.ts';
import { errorForClose, openGateway } from '../../ws.ts';

type Channel = z.infer<typeof channelSchema>;
type ChatMessage = z.infer<typeof chatMessageSchema>;

async function findChannel(client: ApiClient, name: string): Promise<Channel> {
  let cursor: string | undefined;
  do {
    const page = await client.call('chat.channelsList', { query: { limit: 100, cursor } });
    const found = page.data.find((c) => c.name === name.toLowerCase());
    if (found) return found;
    cursor = page.meta.nextCursor ?? undefined;
  } while (cursor);
  throw new AppError('NOT_FOUND', `No channel #${name}`);
}

async function printer(ctx: CliContext): Promise<(message: ChatMessage) => void> {
  const format = ctx.io.format;
  if (format === 'json') return (m) => ctx.io.out(JSON.stringify(m));
  if (format === 'yaml') {
    const { stringify } = await import('yaml');
    return (m) => ctx.io.out(`---\n${stringify(m).trimEnd()}`);
  }
  // An invite is the server-set `invite` field, never a pattern in the body (anyone can type one).
  const invite = (m: ChatMessage): string =>
    m.invite
      ? ctx.io.paint('dim', ` (game invite: pongctl play --accept ${m.invite.matchId})`)
      : '';
  return (m) =>
    ctx.io.out(
      `${m.createdAt.slice(11, 19)} ${ctx.io.paint('bold', m.sender.username)}: ${m.body ?? ctx.io.paint('dim', '(message deleted)')}${invite(m)}`,
    );
}

function onFrame(ctx: CliContext, channel: Channel, print: (m: ChatMessage) => void) {
  return (data: Buffer): void => {
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString('utf8'));
    } catch {
      return ctx.io.debug('ignored a frame that is not JSON');
    }
    const type = (raw as { type?: unknown }).type;
    if (type === 'hello') return ctx.io.info(`following #${channel.name} (Ctrl-C to stop)`);
    if (type === 'chat.deleted') {
      const deleted = chatMessages['chat.deleted'].schema.safeParse(raw);
      if (deleted.success && deleted.data.conversationId === channel.id)
        ctx.io.info(`deleted: ${deleted.data.messageIds.join(', ')}`);
      return;
    }
    if (type !== 'chat.message') return;
    const parsed = chatMessages['chat.message'].schema.safeParse(raw);
    if (!parsed.success) return ctx.io.debug('ignored a chat.message that breaks the contract');
    if (parsed.data.message.conversationId === channel.id) print(parsed.data.message);
  };
}

/** Resolves 0 when stopped by a signal; rejects with the close code's error when the server ends it. */
function follow(ws: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const stop = (): void => {
      stopping = true;
      ws.close(1000, 'bye');
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    ws.once('close', (code, reason) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (stopping) resolve(0);
      else reject(errorForClose(code, reason.toString()));
    });
  });
}

export async function tail(ctx: CliContext, channelName: string): Promise<number> {
  const { withSession } = await import('../../session.ts');
  const { channel, token } = await withSession(ctx, async (client) => ({
    channel: await findChannel(client, channelName),
    token: client.options.token!,
  }));
  if (!channel.member)
    throw new AppError(
      'FORBIDDEN',
      `You are not in #${channel.name}; join it to follow it (POST /api/v1/channels/${channel.name}/join)`,
    );
  const ws = await openGateway(ctx.apiUrl, token, onFrame(ctx, channel, await printer(ctx)));
  return follow(ws);
}
