/** RFC 6238 codes computed independently of the server's module, for 2FA tests. */
import { createHmac } from 'node:crypto';

function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  return Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
}

/** RFC 6238 TOTP, SHA-1, 6 digits, 30 s. */
export function totp(secret: string, ms: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 30_000)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = mac[19]! & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** A six-digit code the server refuses at `ms`: none of the steps it accepts (±1). */
export function wrongTotp(secret: string, ms: number): string {
  const valid = new Set([-30_000, 0, 30_000].map((d) => totp(secret, ms + d)));
  return ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c))!;
}
