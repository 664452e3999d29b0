/**
 * Password hashing and the password policy.
 *
 * scrypt with N = 2^log2N (default 2^15), r = 8, p = 1, a 16-byte random salt
 * and a 32-byte key: 32 MiB of memory and ≥ 20 ms of CPU per hash, stored as
 * `scrypt$<log2N>$<r>$<p>$<salt b64url>$<key b64url>` so the cost can be raised
 * later without breaking stored hashes. Verification compares in constant time,
 * and unknown users are checked against a dummy hash so that "no such user"
 * costs the same as "wrong password".
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AppError } from '../../contract/errors.ts';

const keyLength = 32;
const blockSize = 8;
const parallelism = 1;

function derive(password: string, salt: Buffer, log2N: number): Promise<Buffer> {
  const N = 2 ** log2N;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      keyLength,
      { N, r: blockSize, p: parallelism, maxmem: 256 * N * blockSize },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string, log2N: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, log2N);
  return `scrypt$${log2N}$${blockSize}$${parallelism}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when the password matches the stored hash; never throws on a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, log2N, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || r !== String(blockSize) || p !== String(parallelism) || !salt || !key)
    return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), Number(log2N));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Checks a password against a hash, or against `dummyHash` when there is no user, in the same time. */
export async function verifyOrBurn(
  password: string,
  stored: string | null | undefined,
  dummyHash: string,
): Promise<boolean> {
  const ok = await verifyPassword(password, stored ?? dummyHash);
  return Boolean(stored) && ok;
}

/** The shipped list of the 10,000 most common passwords, lowercased, loaded once by the composition root. */
export function loadCommonPasswords(): ReadonlySet<string> {
  const text = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
  return new Set(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.toLowerCase()),
  );
}

/** Rejects passwords equal to the username or email or among the common ones (length is checked by the schema). */
export function checkPasswordPolicy(
  password: string,
  context: { username?: string | null; email?: string | null; common: ReadonlySet<string> },
  field = 'password',
): void {
  const lower = password.toLowerCase();
  const problems: string[] = [];
  if (password.length < 8 || password.length > 128) problems.push('must be 8-128 characters');
  if (context.username && lower === context.username.toLowerCase())
    problems.push('must not be the username');
  if (
    context.email &&
    (lower === context.email.toLowerCase() || lower === context.email.split('@')[0]?.toLowerCase())
  ) {
    problems.push('must not be the email address');
  }
  if (context.common.has(lower)) problems.push('is one of the 10,000 most common passwords');
  if (problems.length > 0) {
    throw new AppError(
      'VALIDATION',
      'The password is not acceptable',
      problems.map((message) => ({ path: `body.${field}`, message, code: 'password_policy' })),
    );
  }
}
