/**
 * Prepared frames: a message is serialised and framed ONCE (JSON, UTF-8 and
 * the WebSocket header in one piece) and that same piece is written to every
 * socket it goes to. A send costs ≈ 8 µs, mostly system calls; skipping ws's
 * per-socket framing (header allocation, cork, two writes) saves 10–20 % on
 * fan-out. An ASCII frame under 64 KiB (every game state) is a latin1 string,
 * which Node writes from the string itself: a buffer per frame was 24 MB/s of
 * ArrayBuffers at 500 matches, and V8 answered that much external memory with
 * mark-compacts of 9–16 ms on the game loop (docs/ARCHITECTURE.md, measured facts).
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { isAsciiText } from '../core/ascii.ts';

export interface PreparedFrame {
  /** Its message type; of the last, for combined frames (`parts` has them all). */
  readonly type: string;
  /** May be skipped for a socket whose send buffer is over the backpressure threshold. */
  readonly droppable: boolean;
  /** Header and payload of one unmasked, final text frame: bytes, or their latin1 string (ASCII text). */
  readonly wire: Buffer | string;
  /** The frames a combined frame is made of, in order. */
  readonly parts?: readonly PreparedFrame[];
}

function headerLength(payloadBytes: number): number {
  if (payloadBytes < 126) return 2;
  return payloadBytes < 65_536 ? 4 : 10;
}

/** A buffer for one unmasked, final text frame of this many payload bytes, header written (RFC 6455 §5.2); the payload starts at `offset`. */
function textFrame(payloadBytes: number): { wire: Buffer; offset: number } {
  const offset = headerLength(payloadBytes);
  const wire = Buffer.allocUnsafe(offset + payloadBytes);
  wire[0] = 0x81; // FIN + opcode 1 (text)
  if (offset === 2) {
    wire[1] = payloadBytes;
  } else if (offset === 4) {
    wire[1] = 126;
    wire.writeUInt16BE(payloadBytes, 2);
  } else {
    wire[1] = 127;
    wire.writeUInt32BE(0, 2);
    wire.writeUInt32BE(payloadBytes, 6);
  }
  return { wire, offset };
}

/** The header of an unmasked, final text frame under 64 KiB, as latin1 characters. */
function headerText(payloadBytes: number): string {
  return payloadBytes < 126
    ? String.fromCharCode(0x81, payloadBytes)
    : String.fromCharCode(0x81, 126, payloadBytes >> 8, payloadBytes & 0xff);
}

/** Frames already-serialised JSON text as a server→client text frame; `ascii`: known to be, no need to look. */
export function prepareFrame(
  json: string,
  type: string,
  droppable: boolean,
  ascii = false,
): PreparedFrame {
  // For ASCII, characters are bytes: the length is known without encoding.
  if (json.length < 65_536 && (ascii || isAsciiText(json)))
    return { type, droppable, wire: headerText(json.length) + json };
  const { wire, offset } = textFrame(Buffer.byteLength(json));
  wire.write(json, offset, 'utf8');
  return { type, droppable, wire };
}

/**
 * One frame of `head + tail` per tail, with `head` encoded once: each
 * player's copy of a match state differs only in a short ASCII tail (its
 * last input sequence), so the state is not encoded once per player.
 */
export function prepareFramesWithTails(
  head: string,
  tails: readonly string[],
  type: string,
  ascii = false,
): PreparedFrame[] {
  if (ascii || isAsciiText(head))
    return tails.map((tail) =>
      head.length + tail.length < 65_536
        ? { type, droppable: false, wire: headerText(head.length + tail.length) + head + tail }
        : prepareFrame(head + tail, type, false, true),
    );
  const encoded = Buffer.from(head, 'utf8');
  return tails.map((tail) => {
    const { wire, offset } = textFrame(encoded.length + tail.length);
    encoded.copy(wire, offset);
    wire.write(tail, offset + encoded.length, 'latin1');
    return { type, droppable: false, wire };
  });
}

/**
 * Several frames written to a socket in one write: still separate messages on
 * the wire, but one system call, so the last of them (a spectator's state
 * after its events) is not held up by the writes of the others to every socket.
 */
export function combineFrames(frames: readonly PreparedFrame[]): PreparedFrame {
  const strings = frames.every((f) => typeof f.wire === 'string');
  const wire = strings
    ? frames.map((f) => f.wire).join('')
    : Buffer.concat(
        frames.map((f) => (typeof f.wire === 'string' ? Buffer.from(f.wire, 'latin1') : f.wire)),
      );
  return {
    type: frames.at(-1)!.type,
    droppable: frames.every((f) => f.droppable),
    wire,
    parts: frames.flatMap((f) => f.parts ?? [f]),
  };
}

interface WsInternals {
  _socket?: Duplex | null;
}

/**
 * Writes a prepared frame straight to the socket under the WebSocket. This is
 * safe because the gateway never negotiates permessage-deflate and never sends
 * Blobs: ws's Sender then writes every frame (pings, closes) synchronously and
 * never holds a queue that our frame could overtake. `bufferedAmount` still
 * sees these bytes, since it reads the socket's writable length.
 */
export function writeFrame(ws: WebSocket, frame: PreparedFrame): void {
  const socket = (ws as unknown as WsInternals)._socket;
  if (ws.readyState !== WebSocket.OPEN) return;
  if (socket && !socket.destroyed) socket.write(frame.wire, 'latin1');
}
