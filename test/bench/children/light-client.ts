/** The bench's minimal WebSocket client (a load generator must cost less than the server it loads). */
import { randomBytes } from 'node:crypto';
import net, { type Socket } from 'node:net';

/** A client frame (masked, as RFC 6455 requires of clients) of one text or control message. */
export function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const header =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | payload.length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i & 3]!;
  return Buffer.concat([header, mask, body]);
}

/**
 * A minimal WebSocket client: the upgrade by hand, `first` sent once it is
 * open, then the server's frames walked in place (no message objects, no
 * copies): each text frame's payload, a view into the read buffer, goes to
 * `onText`, and pings are answered. A `ws` client spends about as much CPU per
 * frame as the server's write; 2,000 of them on this 2-core machine would
 * measure the load generator, not the server.
 */
export function lightClient(
  url: string,
  token: string,
  first: object[],
  onText?: (payload: Buffer) => void,
): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let pending: Buffer | null = null;
    let upgraded = false;
    socket.on('error', reject); // after the open, a no-op that keeps errors from crashing the process
    socket.write(
      `GET /api/v1/ws HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
    socket.on('data', (chunk: Buffer) => {
      let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = null;
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return void (pending = buf);
        if (!buf.subarray(0, 12).toString().includes(' 101'))
          return reject(new Error(`upgrade refused: ${buf.subarray(0, 40).toString()}`));
        upgraded = true;
        buf = buf.subarray(end + 4);
        for (const message of first)
          socket.write(clientFrame(0x1, Buffer.from(JSON.stringify(message))));
        resolve(socket);
      }
      let at = 0;
      while (buf.length - at >= 2) {
        const opcode = buf[at]! & 0x0f;
        const short = buf[at + 1]! & 0x7f;
        const headerBytes = short < 126 ? 2 : short === 126 ? 4 : 10;
        if (buf.length - at < headerBytes) break;
        const length =
          short < 126
            ? short
            : short === 126
              ? buf.readUInt16BE(at + 2)
              : Number(buf.readBigUInt64BE(at + 2));
        if (buf.length - at < headerBytes + length) break;
        const payload = at + headerBytes;
        if (opcode === 0x1) onText?.(buf.subarray(payload, payload + length));
        else if (opcode === 0x9)
          socket.write(clientFrame(0xa, buf.subarray(payload, payload + length)));
        at = payload + length;
      }
      if (at < buf.length) pending = buf.subarray(at);
    });
  });
}
