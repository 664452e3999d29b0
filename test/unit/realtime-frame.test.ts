/**
 * Prepared frames decode, through ws's own Receiver, to the JSON they were
 * made from at every header size (7-bit, 16-bit and 64-bit lengths); combined
 * frames are the same messages, in order, in one piece; close reasons are cut
 * to fit a close frame without splitting a character.
 */
import assert from 'node:assert/strict';
import * as wsModule from 'ws';
import { fitCloseReason } from '../../api/realtime/connection.ts';
import { combineFrames, prepareFrame, prepareFramesWithTails } from '../../api/realtime/frame.ts';

/** ws's frame parser: exported at runtime, absent from @types/ws. */
interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  write(chunk: Buffer): void;
}
const { Receiver } = wsModule as unknown as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameReceiver;
};

/** The bytes a socket gets for a prepared frame (writeFrame writes a string frame as latin1). */
const bytesOf = (wire: Buffer | string) =>
  typeof wire === 'string' ? Buffer.from(wire, 'latin1') : wire;

/** Every message in `wire`, in order. */
function decodeAll(wire: Buffer | string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false, maxPayload: 0 });
    const texts: string[] = [];
    receiver.on('message', (data: Buffer) => texts.push(data.toString('utf8')));
    receiver.on('error', reject);
    receiver.write(bytesOf(wire));
    setImmediate(() => resolve(texts));
  });
}

function decode(wire: Buffer | string): Promise<{ text: string; isBinary: boolean }> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false, maxPayload: 0 });
    receiver.on('message', (data: Buffer, isBinary: boolean) =>
      resolve({ text: data.toString('utf8'), isBinary }),
    );
    receiver.on('error', reject);
    receiver.write(bytesOf(wire));
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
      assert.equal(bytesOf(frame.wire).length, bytes + header);
      // ASCII under 64 KiB travels as a latin1 string (no buffer per frame), the rest as bytes.
      assert.equal(typeof frame.wire, bytes < 65_536 ? 'string' : 'object');
      assert.deepEqual(await decode(frame.wire), { text: json, isBinary: false });
    });
  }

  it('counts UTF-8 bytes, not characters, in the length', async () => {
    const json = JSON.stringify({ type: 't', text: 'Pong — café ☕ 🏓'.repeat(10) });
    const frame = prepareFrame(json, 't', true);
    assert.equal(frame.droppable, true);
    assert.ok(Buffer.isBuffer(frame.wire), 'non-ASCII text is framed as UTF-8 bytes');
    assert.deepEqual(await decode(frame.wire), { text: json, isBinary: false });
  });

  it('frames one head with several tails exactly as each whole text would be framed', async () => {
    // A UTF-8 name in the head, and lengths on both sides of the 7-bit and 16-bit headers.
    for (const [name, padding] of [
      ['Zoë 🏓', 0],
      ['Zoë 🏓', 90],
      ['Zoë 🏓', 100],
      ['Zoë 🏓', 65_480],
      ['Zoë 🏓', 65_500],
      ['zoe', 0],
      ['zoe', 100],
      ['zoe', 65_480],
      ['zoe', 65_500],
    ] as const) {
      const head = `{"type":"game.state","state":{"players":["${name}"],"pad":"${'x'.repeat(padding)}"},"lastSeq":`;
      const tails = ['0}}', '7}}', '123456}}'];
      const frames = prepareFramesWithTails(head, tails, 'game.state');
      assert.equal(frames.length, tails.length);
      for (const [i, tail] of tails.entries()) {
        assert.deepEqual(
          bytesOf(frames[i]!.wire),
          bytesOf(prepareFrame(head + tail, 'game.state', false).wire),
        );
        assert.equal(frames[i]!.droppable, false);
        assert.deepEqual(await decode(frames[i]!.wire), { text: head + tail, isBinary: false });
      }
    }
  });

  it('combines frames into one piece that decodes to the same messages, in order', async () => {
    const event = prepareFrame('{"type":"game.event","n":1}', 'game.event', false);
    const utf8 = prepareFrame('{"type":"game.event","name":"zoë"}', 'game.event', false);
    const state = prepareFrame('{"type":"game.state","n":2}', 'game.state', true);
    const strings = combineFrames([event, state]);
    assert.equal(typeof strings.wire, 'string', 'ASCII frames stay one latin1 string');
    assert.deepEqual(await decodeAll(strings.wire), [
      '{"type":"game.event","n":1}',
      '{"type":"game.state","n":2}',
    ]);
    const mixed = combineFrames([event, utf8, state]);
    assert.deepEqual(await decodeAll(mixed.wire), [
      '{"type":"game.event","n":1}',
      '{"type":"game.event","name":"zoë"}',
      '{"type":"game.state","n":2}',
    ]);
    assert.equal(mixed.droppable, false, 'droppable only when every part is');
    assert.deepEqual(
      combineFrames([strings, utf8]).parts?.map((p) => p.type),
      ['game.event', 'game.state', 'game.event'],
    );
  });

  it('keeps close reasons within 123 bytes without splitting a character', () => {
    assert.equal(fitCloseReason('short'), 'short');
    const cut = fitCloseReason('€'.repeat(60));
    assert.equal(Buffer.byteLength(cut), 123);
    assert.equal(cut, '€'.repeat(41));
    assert.equal(Buffer.byteLength(fitCloseReason('a' + '€'.repeat(60))), 121);
  });
});
