// Avatar upload: magic bytes, pixel limits, size limit, identicon default, ETag caching.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  api,
  register,
  startAuthServer,
  type AuthTestServer,
  type Registered,
} from '../support/accounts.ts';

function png(width: number, height: number, extra = 0): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr[16] = 8;
  ihdr[17] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    ihdr,
    Buffer.alloc(extra),
  ]);
}

function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
    0x00, 0x00,
  ]);
  const sof = Buffer.from([
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 255,
    width >> 8,
    width & 255,
    0x03,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

function webp(width: number, height: number): Buffer {
  const b = Buffer.alloc(30);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(22, 4);
  b.write('WEBPVP8X', 8, 'latin1');
  b.writeUInt32LE(10, 16);
  b.writeUIntLE(width - 1, 24, 3);
  b.writeUIntLE(height - 1, 27, 3);
  return b;
}

describe('accounts: avatars', () => {
  let s: AuthTestServer;
  let u: Registered;
  before(async function () {
    // The embedded database starts slowly on a busy machine.
    this.timeout(60_000);
    s = await startAuthServer();
    u = await register(s.url);
  });
  after(async () => {
    await s?.stop();
  });
  const put = (body: Buffer, type = 'image/png', token = u.accessToken) =>
    fetch(`${s.url}/api/v1/me/avatar`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body,
    });

  it('serves a generated SVG identicon by default, with an ETag and 304 on revalidation', async () => {
    const res = await fetch(`${s.url}/api/v1/users/${u.username}/avatar`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/svg+xml');
    assert.match(await res.text(), /^<svg xmlns/);
    const etag = res.headers.get('etag')!;
    assert.match(res.headers.get('cache-control')!, /max-age=/);
    const again = await fetch(`${s.url}/api/v1/users/${u.username.toUpperCase()}/avatar`, {
      headers: { 'if-none-match': etag },
    });
    assert.equal(again.status, 304);
    assert.equal((await fetch(`${s.url}/api/v1/users/nobody-xyz/avatar`)).status, 404);
  });

  it('accepts PNG, JPEG and WebP, reading the size from the headers', async () => {
    for (const [bytes, type, w, h] of [
      [png(64, 32), 'image/png', 64, 32],
      [jpeg(300, 200), 'image/jpeg', 300, 200],
      [webp(4096, 10), 'application/octet-stream', 4096, 10],
    ] as const) {
      const res = await put(bytes, type);
      assert.equal(res.status, 200, type);
      const body = (await res.json()) as {
        data: { width: number; height: number; contentType: string; avatarUrl: string };
      };
      assert.equal(body.data.width, w);
      assert.equal(body.data.height, h);
      const served = await fetch(s.url + body.data.avatarUrl);
      assert.equal(served.headers.get('content-type'), body.data.contentType);
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), bytes);
    }
    // Only the newest file is kept.
    assert.equal(readdirSync(path.join(s.dataDir, 'avatars')).length, 1);
  });

  it('answers 415 for other formats or content types, 413 past 2 MiB, 400 past 4096 pixels', async () => {
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
    const notImage = await put(gif, 'image/png');
    assert.equal(notImage.status, 415);
    assert.equal(
      ((await notImage.json()) as { error: { code: string } }).error.code,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    assert.equal((await put(png(10, 10), 'text/plain')).status, 415);
    assert.equal((await put(png(10, 10), 'application/json')).status, 415);
    assert.equal((await put(png(10, 10, 2 * 1024 * 1024), 'image/png')).status, 413);
    const huge = await put(png(4097, 100), 'image/png');
    assert.equal(huge.status, 400);
    assert.equal((await put(Buffer.alloc(0), 'image/png')).status, 400);
  });

  it('removes the avatar and falls back to the identicon', async () => {
    const res = await api(s.url, 'DELETE', '/api/v1/me/avatar', { token: u.accessToken });
    assert.equal(res.status, 200);
    assert.equal(readdirSync(path.join(s.dataDir, 'avatars')).length, 0);
    const served = await fetch(`${s.url}${res.body.data.avatarUrl}`);
    assert.equal(served.headers.get('content-type'), 'image/svg+xml');
    assert.ok(!existsSync(path.join(s.dataDir, 'avatars', 'x')));
  });

  it('needs a signed-in user to upload', async () => {
    const res = await fetch(`${s.url}/api/v1/me/avatar`, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: png(1, 1),
    });
    assert.equal(res.status, 401);
  });
});
