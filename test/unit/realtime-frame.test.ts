/**
 * Prepared frames decode, through ws's own Receiver, to the JSON they were
 * made from at every header size (7-bit, 16-bit and 64-bit lengths); close
 * reasons are cut to fit a close frame without splitting a character.
 */
import assert from 'node:assert/strict';
import * as wsModule from 'ws';
import { fitCloseReason } from '../../api/realtime/connection.ts';
import { prepareFrame, prepareFramesWithTails } from '../../api/realtime/frame.ts';

/** ws's frame parser: exported at runtime, absent from @types/ws. */
interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  write(chunk: Buffer): void;
}
const { Receiver } = wsModule as unknown as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameReceiver;
};

function decode(wire: Buffer): Promise<{ text: string; isBinary: boolean }> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false, maxPayload: 0 });
    receiver.on('message', (data: Buffer, isBinary: boolean) =>
      resolve({ text: data.toString('utf8'), isBinary }),
    );
    receiver.on('error', reject);
    receiver.write(wire);
  });
}

describe('realtime prepared frames', () => {
  const exactly = (bytes: number) => {
    const base = JSON.stringify({ type: 't', pad: '' });
    return JSON.stringify({ type: 't', pad: 'x'.repeat(bytes - base.length) });
  };
  for (const [bytes, header] of [
    [21, 2],
    [125, 2],
    [126, 4],
    [65_535, 4],
    [65_536, 10],
    [200_000, 10],
  ] as const) {
    it(`frames a ${bytes}-byte payload with a ${header}-byte header as one final text frame`, async () => {
      const json = exactly(bytes);
      assert.equal(Buffer.byteLength(json), bytes);
      const frame = prepareFrame(json, 't', false);
      assert.equal(frame.wire.length, bytes + header);
      assert.deepEqual(await decode(frame.wire), { text: json, isBinary: false });
    });
  }

  it('counts UTF-8 bytes, not characters, in the length', async () => {
    const json = JSON.stringify({ type: 't', text: 'Pong — café ☕ 🏓'.repeat(10) });
    const frame = prepareFrame(json, 't', true);
    assert.equal(frame.droppable, true);
    assert.deepEqual(await decode(frame.wire), { text: json, isBinary: false });
  });

  it('frames one head with several tails exactly as each whole text would be framed', async () => {
    // A UTF-8 name in the head, and lengths on both sides of the 7-bit and 16-bit headers.
    for (const padding of [0, 90, 100, 65_480, 65_500]) {
      const head = `{"type":"game.state","state":{"players":["Zoë 🏓"],"pad":"${'x'.repeat(padding)}"},"lastSeq":`;
      const tails = ['0}}', '7}}', '123456}}'];
      const frames = prepareFramesWithTails(head, tails, 'game.state');
      assert.equal(frames.length, tails.length);
      for (const [i, tail] of tails.entries()) {
        assert.deepEqual(frames[i]!.wire, prepareFrame(head + tail, 'game.state', false).wire);
        assert.equal(frames[i]!.droppable, false);
        assert.deepEqual(await decode(frames[i]!.wire), { text: head + tail, isBinary: false });
      }
    }
  });

  it('keeps close reasons within 123 bytes without splitting a character', () => {
    assert.equal(fitCloseReason('short'), 'short');
    const cut = fitCloseReason('€'.repeat(60));
    assert.equal(Buffer.byteLength(cut), 123);
    assert.equal(cut, '€'.repeat(41));
    assert.equal(Buffer.byteLength(fitCloseReason('a' + '€'.repeat(60))), 121);
  });
});
