/**
 * The second factor: a TOTP code (each time step accepted once) or one of the
 * ten single-use recovery codes, which are 50-bit random strings stored as
 * SHA-256 hashes.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { AccountsDeps } from './deps.ts';
import * as repo from './repo.ts';
import { hashToken, unseal } from './tokens.ts';
import { base32Encode, matchTotp } from './totp.ts';

export const recoveryCodeCount = 10;

/** `xxxxx-xxxxx` in lowercase base32. */
export function newRecoveryCode(): string {
  const text = base32Encode(randomBytes(7)).slice(0, 10).toLowerCase();
  return `${text.slice(0, 5)}-${text.slice(5)}`;
}

export const hashRecoveryCode = (code: string) =>
  hashToken(`recovery:${code.replace(/[\s-]/g, '').toLowerCase()}`);

/** Checks a TOTP code against the enabled secret, refusing a step already used. */
export async function verifyTotp(
  deps: AccountsDeps,
  trx: Knex.Transaction,
  user: repo.UserRow,
  code: string,
): Promise<boolean> {
  if (!user.totp_secret) return false;
  const step = matchTotp(unseal(deps.keys.seal, user.totp_secret), code, {
    nowMs: deps.clock.now(),
    lastStep: user.totp_last_step,
  });
  if (step === null) return false;
  await repo.updateUser(trx, user.id, { totp_last_step: step }, new Date(deps.clock.now()));
  return true;
}

/** TOTP or recovery code; counts the result in auth_2fa_verifications_total. */
export async function verifySecondFactor(
  deps: AccountsDeps,
  trx: Knex.Transaction,
  user: repo.UserRow,
  code: string,
): Promise<boolean> {
  const trimmed = code.trim();
  const ok = /^\d{6}$/.test(trimmed)
    ? await verifyTotp(deps, trx, user, trimmed)
    : await repo.useRecoveryCode(
        trx,
        user.id,
        hashRecoveryCode(trimmed),
        new Date(deps.clock.now()),
      );
  deps.metrics.twoFactor(ok ? 'success' : 'failure');
  return ok;
}
