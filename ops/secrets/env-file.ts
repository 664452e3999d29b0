/**
 * Reads and writes .env files for `pongctl secrets init`: keeps every existing
 * line and value, appends the secrets that are missing, writes mode 0600
 * atomically. Values are never printed.
 */
import { randomInt } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretSpec } from './table.ts';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Uniform over the alphabet (crypto.randomInt rejects biased draws). */
export function randomSecret(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Variables set to a non-empty value in a .env text. */
export function definedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (m && m[2]!.trim() !== '' && m[2]!.trim() !== '""' && m[2]!.trim() !== "''")
      names.add(m[1]!);
  }
  return names;
}

export interface InitResult {
  added: string[];
  kept: string[];
  text: string;
}

/** The new .env text: existing content, with empty or missing secrets filled in (or all regenerated with `force`). */
export function fillSecrets(
  existing: string,
  table: readonly SecretSpec[],
  options: { force?: boolean } = {},
): InitResult {
  const defined = definedNames(existing);
  const added: string[] = [];
  const kept: string[] = [];
  let lines = existing === '' ? [] : existing.replace(/\n$/, '').split('\n');
  for (const spec of table) {
    if (defined.has(spec.name) && !options.force) {
      kept.push(spec.name);
      continue;
    }
    const value = randomSecret(spec.length);
    const pattern = new RegExp(`^\\s*(?:export\\s+)?${spec.name}\\s*=`);
    const at = lines.findIndex((l) => pattern.test(l));
    if (at >= 0) lines[at] = `${spec.name}=${value}`;
    else lines = [...lines, `# ${spec.description}`, `${spec.name}=${value}`];
    added.push(spec.name);
  }
  return { added, kept, text: `${lines.join('\n')}\n` };
}

export function readEnvFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

export function writeEnvFile(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}
