import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configDocs, configVariableNames } from '../../api/core/config.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every configuration variable loadConfig reads, with its default', () => {
    const documented = new Set(configDocs.map(([name]) => name));
    for (const name of configVariableNames)
      assert.ok(documented.has(name), `${name} has a configDocs row`);
    for (const [name, fallback] of configDocs) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
      assert.ok(row, `README configuration table has a row for ${name}`);
      assert.ok(
        row.includes(fallback.replace(/\|/g, '\\|')),
        `README row for ${name} states its default ${fallback}`,
      );
    }
  });

  it('gives the two-command quick start', () => {
    assert.match(readme, /npm install && npm start/);
    assert.match(readme, /npm test/);
  });
});
