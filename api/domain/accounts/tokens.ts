/**
 * Tokens: access tokens are JWTs (jose, HS256 pinned on verify, issuer and
 * audience checked) carrying user id, role and session id; refresh tokens,
 * reset tokens and personal access tokens are 32 random bytes stored only as
 * SHA-256 hashes. 2FA secrets are sealed with AES-256-GCM under a key derived
 * from the signing secret, so a database dump alone does not yield them.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';

const issuer = 'pongctl';
const accessAudience = 'pongctl-api';
const challengeAudience = 'pongctl-mfa';
const algorithm = 'HS256';
export const patPrefix = 'pong_pat_';
/** How long a 2FA login challenge stays valid. */
export const challengeTtlSeconds = 300;

export interface AccessClaims {
  userId: string;
  role: string;
  sessionId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export interface TokenKeys {
  jwt: Uint8Array;
  seal: Buffer;
}

export function deriveKeys(secret: string): TokenKeys {
  return {
    jwt: new TextEncoder().encode(secret),
    seal: Buffer.from(hkdfSync('sha256', secret, 'pongctl', 'totp-secret-seal', 32)),
  };
}

/** 32 random bytes, base64url, with an optional recognisable prefix. */
export function newOpaqueToken(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function signAccessToken(
  key: Uint8Array,
  claims: { userId: string; role: string; sessionId: string },
  time: { nowMs: number; ttlSeconds: number },
): Promise<string> {
  const iat = Math.floor(time.nowMs / 1000);
  return new SignJWT({ role: claims.role, sid: claims.sessionId })
    .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(issuer)
    .setAudience(accessAudience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + time.ttlSeconds)
    .sign(key);
}

/** The claims of a valid access token, or null for anything expired, forged or malformed. */
export async function verifyAccessToken(
  key: Uint8Array,
  token: string,
  nowMs: number,
): Promise<AccessClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [algorithm],
      issuer,
      audience: accessAudience,
      currentDate: new Date(nowMs),
    });
    if (
      typeof payload.sub !== 'string' ||
      typeof payload.sid !== 'string' ||
      typeof payload.role !== 'string' ||
      !payload.exp
    )
      return null;
    return { userId: payload.sub, role: payload.role, sessionId: payload.sid, exp: payload.exp };
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return null;
    throw err;
  }
}

export async function signChallenge(
  key: Uint8Array,
  userId: string,
  nowMs: number,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return (
    new SignJWT({ mfa: true })
      .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
      // Each challenge is its own: its wrong codes are counted apart from another's.
      .setJti(randomUUID())
      .setSubject(userId)
      .setIssuer(issuer)
      .setAudience(challengeAudience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + challengeTtlSeconds)
      .sign(key)
  );
}

/** The user id of a valid 2FA challenge, or null. */
export async function verifyChallenge(
  key: Uint8Array,
  token: string,
  nowMs: number,
): Promise<string | null> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [algorithm],
      issuer,
      audience: challengeAudience,
      currentDate: new Date(nowMs),
    });
    return payload.mfa === true && typeof payload.sub === 'string' ? payload.sub : null;
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return null;
    throw err;
  }
}

export function seal(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

export function unseal(key: Buffer, sealed: string): string {
  const raw = Buffer.from(sealed.slice(3), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
