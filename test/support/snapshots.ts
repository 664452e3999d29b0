/**
 * Committed text snapshots under test/unit/__snapshots__/<area>/<name>.txt.
 * Lines are framed by | so trailing spaces survive editors. A missing or
 * different snapshot fails; UPDATE_SNAPSHOTS=1 rewrites them after a
 * deliberate change, except under CI=true, where nothing is ever written.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../unit/__snapshots__/', import.meta.url));

export const framed = (text: string): string =>
  text
    .split('\n')
    .map((l) => `|${l}|`)
    .join('\n') + '\n';

export function matchSnapshot(area: string, name: string, text: string): void {
  const dir = `${root}${area}/`;
  const file = `${dir}${name}.txt`;
  const actual = framed(text);
  if (process.env.UPDATE_SNAPSHOTS === '1' && process.env.CI !== 'true') {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, actual);
  }
  assert.ok(existsSync(file), `snapshot ${file} is missing (UPDATE_SNAPSHOTS=1 writes it)`);
  assert.equal(actual, readFileSync(file, 'utf8'), `${area}/${name} differs from ${file}`);
}
