/**
 * First start: an empty database gets the account `admin` (role admin), with
 * PONG_ADMIN_PASSWORD or a random password that is shown once on stderr and
 * kept in PONG_DATA_DIR/initial-admin-password (mode 0600) — never logged.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../contract/errors.ts';
import { withAudit } from '../audit/service.ts';
import type { AccountsDeps } from './deps.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';
import * as repo from './repo.ts';

export const bootstrapUsername = 'admin';

export async function ensureBootstrapAdmin(
  deps: AccountsDeps,
  stderr: { write(text: string): unknown },
): Promise<'created' | 'exists'> {
  if ((await repo.countUsers(deps.db)) > 0) return 'exists';
  const configured = deps.auth.adminPassword;
  if (configured) {
    try {
      checkPasswordPolicy(configured, {
        username: bootstrapUsername,
        common: deps.commonPasswords,
      });
    } catch (err) {
      throw new AppError('CONFIG', 'Invalid configuration', [
        { variable: 'PONG_ADMIN_PASSWORD', message: (err as AppError).message },
      ]);
    }
  }
  const password = configured ?? randomBytes(18).toString('base64url');
  const hash = await hashPassword(password, deps.auth.scryptLog2N);
  try {
    await withAudit(deps, async (trx, record) => {
      const user = await repo.insertUser(
        trx,
        {
          id: randomUUID(),
          username: bootstrapUsername,
          username_key: bootstrapUsername,
          email: null,
          email_key: null,
          password_hash: hash,
          role: 'admin',
          display_name: 'Administrator',
        },
        new Date(deps.clock.now()),
      );
      await record({
        actor: 'system',
        action: 'user.bootstrap',
        target: bootstrapUsername,
        details: { passwordFrom: configured ? 'PONG_ADMIN_PASSWORD' : 'generated' },
        targetId: user.id,
      });
    });
  } catch (err) {
    // Another instance created it at the same moment.
    if ((err as { code?: string }).code === '23505') return 'exists';
    throw err;
  }
  if (!configured) {
    const file = path.join(deps.dataDir, 'initial-admin-password');
    mkdirSync(deps.dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    stderr.write(
      `\nCreated the account "admin" with the password:\n\n    ${password}\n\nIt is shown once (also in ${file}, mode 0600). Sign in with \`pongctl login --username admin\` and change it.\n\n`,
    );
  }
  return 'created';
}
