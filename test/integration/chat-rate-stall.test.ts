/**
 * The chat rate limit counts messages when they arrive, not when the
 * database lets them through: messages that queued behind a stalled
 * database are not counted all at once when it ends, so a user who stayed
 * under the limit is not refused afterwards. The stall is a transaction
 * holding an exclusive lock on `chat_conversations` (on PGlite it also holds the
 * only connection); the clock is the test's.
 */
import assert from 'node:assert/strict';
import { startAuthServer, type AuthTestServer } from '../support/accounts.ts';
import { chatUser, closeAll, openDirect, type ChatUser } from '../support/chat.ts';

describe('chat rate limit after a database stall', () => {
  let s: AuthTestServer;
  const users: ChatUser[] = [];

  before(async function () {
    this.timeout(90_000); // start-up runs every migration; slow when the shared machine is busy
    s = await startAuthServer({ CHAT_RATE_LIMIT: '5', CHAT_RATE_WINDOW_SECONDS: '10' });
  });
  after(async () => {
    closeAll(users);
    await s?.stop();
  });

  /** Holds the lock until `release` is called; resolves once the lock is held. */
  async function stallDatabase(): Promise<{ release(): void; done: Promise<unknown> }> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const held = new Promise<void>((resolve) => (locked = resolve));
    const done = s.db.transaction(async (trx) => {
      await trx.raw('lock table chat_conversations in access exclusive mode');
      locked();
      await released;
    });
    await Promise.race([held, done]);
    return { release, done };
  }

  it('does not refuse messages that waited behind the stall when the sender stayed under the limit', async () => {
    const [a, b] = [await chatUser(s.url, 1), await chatUser(s.url, 0)];
    users.push(a, b);
    const socket = a.sockets[0]!;
    const id = await openDirect(s.url, a, b);
    const send = (n: number) =>
      socket.send({ type: 'chat.send', id: `m${n}`, conversationId: id, body: `message ${n}` });
    /** The answers to these messages, in any order: each must be chat.sent (echoes are skipped). */
    const sent = async (...ns: number[]) => {
      const answers = new Map<string, string>();
      while (answers.size < ns.length) {
        const reply = await socket.next(undefined, 10_000);
        if (reply.type === 'chat.sent' || reply.type === 'error')
          answers.set(String(reply.id), reply.type === 'error' ? String(reply.code) : reply.type);
      }
      assert.deepEqual(
        Object.fromEntries([...answers].sort()),
        Object.fromEntries(ns.map((n) => [`m${n}`, 'chat.sent'])),
      );
    };

    send(0); // opens a window with 1 of 5
    await sent(0);
    const stall = await stallDatabase();
    try {
      s.clock.advance(9_000);
      for (let n = 1; n <= 4; n++) send(n); // 5 of 5 in the first window: allowed
      // Frames are handled in order: once the pong is back, the four were taken in at this time.
      socket.send({ type: 'ping', id: 'dispatched' });
      assert.equal((await socket.next('pong')).id, 'dispatched');
      s.clock.advance(1_500); // the stall outlives the first window
    } finally {
      stall.release();
      await stall.done;
    }
    await sent(1, 2, 3, 4);
    s.clock.advance(500);
    send(5); // a new window: 1 of 5
    await sent(5);
    s.clock.advance(1_000);
    send(6); // 2 of 5; counted at processing time it would be 6 of 5
    await sent(6);
  });
});
