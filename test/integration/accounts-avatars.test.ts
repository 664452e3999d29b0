// Avatar upload: magic bytes, decoded size and pixel limits, re-encoding without metadata, size limit, identicon default, ETag caching.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { api, register, startAuthServer, type Registered } from '../support/accounts.ts';
import { suiteServer } from '../support/suite-server.ts';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A well-formed PNG whose IHDR claims width×height over a tiny IDAT: a decompression bomb's header. */
function pngClaiming(width: number, height: number, extra = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
    Buffer.alloc(extra),
  ]);
}

const solid = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3366aa' } });

/** A real JPEG carrying EXIF with a camera name and a GPS position. */
const jpegWithExif = () =>
  solid(300, 200)
    .jpeg()
    .withExif({
      IFD0: { Make: 'SecretCam', Copyright: 'avatar-owner' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 29/1' },
    })
    .toBuffer();

describe('accounts: avatars', () => {
  const s = suiteServer(() => startAuthServer(), 60_000);
  let u: Registered;
  before(async () => {
    u = await register(s.url);
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

  const served = async (avatarUrl: string) => {
    const res = await fetch(s.url + avatarUrl);
    assert.equal(res.status, 200);
    return { type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const errorOf = async (res: Response) =>
    ((await res.json()) as { error: { code: string; details?: { code: string }[] } }).error;

  it('accepts PNG, JPEG and WebP, stores them re-encoded as WebP with the decoded size', async () => {
    for (const [bytes, type, w, h] of [
      [await solid(64, 32).png().toBuffer(), 'image/png', 64, 32],
      [await solid(300, 200).jpeg().toBuffer(), 'image/jpeg', 300, 200],
      // Past the stored cap: scaled down to fit 512×512.
      [await solid(1000, 600).webp().toBuffer(), 'application/octet-stream', 512, 307],
    ] as const) {
      const res = await put(bytes, type);
      assert.equal(res.status, 200, type);
      const body = (await res.json()) as {
        data: {
          width: number;
          height: number;
          contentType: string;
          avatarUrl: string;
          bytes: number;
        };
      };
      assert.deepEqual(
        [body.data.width, body.data.height, body.data.contentType],
        [w, h, 'image/webp'],
        type,
      );
      const image = await served(body.data.avatarUrl);
      assert.equal(image.type, 'image/webp');
      assert.equal(image.bytes.length, body.data.bytes);
      const meta = await sharp(image.bytes).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['webp', w, h]);
    }
    // Only the newest file is kept.
    assert.equal(readdirSync(path.join(s.dataDir, 'avatars')).length, 1);
  });

  it('answers 415 for other formats or content types, 413 past 2 MiB, 400 past 4096 pixels', async () => {
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
    const notImage = await put(gif, 'image/png');
    assert.equal(notImage.status, 415);
    assert.equal((await errorOf(notImage)).code, 'UNSUPPORTED_MEDIA_TYPE');
    assert.equal((await put(pngClaiming(10, 10), 'text/plain')).status, 415);
    assert.equal((await put(pngClaiming(10, 10), 'application/json')).status, 415);
    assert.equal((await put(pngClaiming(10, 10, 2 * 1024 * 1024), 'image/png')).status, 413);
    const huge = await put(pngClaiming(4097, 100), 'image/png');
    assert.equal(huge.status, 400);
    assert.equal((await errorOf(huge)).details?.[0]?.code, 'too_big');
    assert.equal((await put(Buffer.alloc(0), 'image/png')).status, 400);
    // A PNG signature over JPEG data is not a PNG.
    const jpegBody = await solid(8, 8).jpeg().toBuffer();
    const mislabelled = Buffer.concat([pngClaiming(8, 8).subarray(0, 8), jpegBody]);
    assert.equal((await put(mislabelled, 'image/png')).status, 400);
  });

  it('refuses a PNG whose header claims 60000×60000 with 400, fast and without allocating its pixels', async () => {
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const res = await put(pngClaiming(60_000, 60_000), 'image/png');
    const ms = performance.now() - started;
    assert.equal(res.status, 400);
    const error = await errorOf(res);
    assert.equal(error.details?.[0]?.code, 'too_big');
    assert.match(JSON.stringify(error), /60000×60000/);
    // Decoding it would need 14.4 GB; the header check answers in milliseconds (bound generous for a busy machine).
    assert.ok(ms < 3_000, `took ${ms.toFixed(0)} ms`);
    const grownMiB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    assert.ok(grownMiB < 200, `the server grew by ${grownMiB.toFixed(0)} MiB`);
  });

  it('refuses a truncated JPEG or PNG with 400 and keeps the current avatar', async () => {
    const good = await put(await solid(40, 40).png().toBuffer(), 'image/png');
    assert.equal(good.status, 200);
    const { avatarUrl } = ((await good.json()) as { data: { avatarUrl: string } }).data;
    const jpegBytes = await solid(300, 200).jpeg().toBuffer();
    const pngBytes = await sharp({
      create: {
        width: 300,
        height: 200,
        channels: 3,
        background: '#000',
        // Noise, so the compressed data is long enough to cut in the middle of the pixels.
        noise: { type: 'gaussian', mean: 128, sigma: 30 },
      },
    })
      .png()
      .toBuffer();
    for (const [whole, type] of [
      [jpegBytes, 'image/jpeg'],
      [pngBytes, 'image/png'],
    ] as const) {
      const res = await put(whole.subarray(0, Math.floor(whole.length * 0.6)), type);
      assert.equal(res.status, 400, type);
      assert.equal((await errorOf(res)).code, 'VALIDATION');
    }
    const me = await api(s.url, 'GET', '/api/v1/me', { token: u.accessToken });
    assert.equal(me.body.data.avatarUrl, avatarUrl);
  });

  it('drops EXIF (GPS, camera) and trailing bytes: the stored image is only pixels', async () => {
    const original = await jpegWithExif();
    const exif = (await sharp(original).metadata()).exif;
    assert.ok(exif?.includes('SecretCam'), 'the fixture carries EXIF');
    const trailer = Buffer.from('TRAILING-BYTES-AFTER-EOI-7f3a');
    const res = await put(Buffer.concat([original, trailer]), 'image/jpeg');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { data: { avatarUrl: string; width: number } };
    assert.equal(body.data.width, 300);
    const image = await served(body.data.avatarUrl);
    const meta = await sharp(image.bytes).metadata();
    assert.equal(meta.format, 'webp');
    assert.deepEqual(
      { exif: meta.exif, icc: meta.icc, xmp: meta.xmp, iptc: meta.iptc },
      { exif: undefined, icc: undefined, xmp: undefined, iptc: undefined },
    );
    // The RIFF size covers the whole file: nothing follows the image.
    assert.equal(image.bytes.readUInt32LE(4) + 8, image.bytes.length);
    for (const marker of ['SecretCam', 'avatar-owner', 'TRAILING-BYTES'])
      assert.equal(image.bytes.includes(marker), false, marker);
    const [file] = readdirSync(path.join(s.dataDir, 'avatars'));
    assert.deepEqual(readFileSync(path.join(s.dataDir, 'avatars', file!)), image.bytes);
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
      body: pngClaiming(1, 1),
    });
    assert.equal(res.status, 401);
  });
});
