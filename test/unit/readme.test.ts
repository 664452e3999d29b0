import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withConfigTables } from '../../api/core/config-docs.ts';
import { envSchema } from '../../api/core/config-table.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('holds the configuration tables generated from the table loadConfig reads (npm run docs:config)', () => {
    assert.equal(
      readme,
      withConfigTables(readme),
      'the README configuration tables are stale: npm run docs:config',
    );
    for (const name of Object.keys(envSchema.shape))
      assert.ok(readme.includes(`| \`${name}\` |`), `README has a row for ${name}`);
  });

  it('gives the two-command quick start', () => {
    assert.match(readme, /npm install && npm start/);
    assert.match(readme, /npm test/);
  });
});
