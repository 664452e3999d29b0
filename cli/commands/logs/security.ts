/**
 * `pongctl logs setup-security`: PUTs the roles, then mints the requested API
 * keys. Each key is shown once (stdout), or written to <dir>/<kind>.key with
 * mode 0600 for the compose setup service; a key whose file exists is not minted again.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../api/contract/errors.ts';
import {
  apiKeys,
  mintKey,
  putRoles,
  type KeyKind,
  type MintedKey,
} from '../../../ops/elasticsearch/security.ts';
import type { CliContext } from '../../context.ts';
import { withElasticsearch } from './connection.ts';

function parseKinds(list: string): KeyKind[] {
  const kinds = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const kind of kinds) {
    if (!(kind in apiKeys))
      throw new AppError(
        'VALIDATION',
        `unknown key "${kind}"; choose from ${Object.keys(apiKeys).join(', ')}`,
      );
  }
  return [...new Set(kinds)] as KeyKind[];
}

export async function setupSecurity(
  ctx: CliContext,
  options: { keys: string; writeKeys?: string },
): Promise<void> {
  const kinds = parseKinds(options.keys);
  await withElasticsearch(ctx, async ({ client }) => {
    for (const { role, created } of await putRoles(client))
      ctx.io.success(`role ${role} ${created ? 'created' : 'updated'}`);
    const minted: MintedKey[] = [];
    for (const kind of kinds) {
      const file = options.writeKeys ? path.join(options.writeKeys, `${kind}.key`) : undefined;
      if (file && existsSync(file)) {
        ctx.io.info(`${kind}: ${file} exists, keeping that key`);
        continue;
      }
      const key = await mintKey(client, kind);
      if (file) {
        mkdirSync(options.writeKeys!, { recursive: true, mode: 0o700 });
        writeFileSync(file, `${key.encoded}\n`, { mode: 0o600, flag: 'wx' });
        ctx.io.success(`${kind}: API key ${key.name} (id ${key.id}) written to ${file}`);
      } else minted.push(key);
    }
    if (minted.length === 0) return;
    await ctx.io.print(minted, [
      { header: 'KEY', value: (k) => k.kind },
      { header: 'NAME', value: (k) => k.name },
      { header: 'ID', value: (k) => k.id },
      { header: 'ENCODED (shown once)', value: (k) => k.encoded },
      { header: 'USE AS', value: (k) => k.use },
    ]);
    ctx.io.warn('these keys are shown once: store them now (Elasticsearch keeps only a hash)');
  });
}
