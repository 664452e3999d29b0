/** The commander start-up shims (cli/commander-shims.ts) must match what commander imports, and behave like the builtins. */
import assert from 'node:assert/strict';
import childProcess from 'node:child_process';
import events from 'node:events';
import fs from 'node:fs';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { commanderBuiltins, shimSource } from '../../cli/commander-shims.ts';

const commanderDir = path.join(import.meta.dirname, '..', '..', 'node_modules', 'commander');

/** Every `import ... from 'node:x'` in commander's sources: specifier → default? and named bindings. */
function commanderImports(): Map<string, { default: boolean; named: Set<string> }> {
  const files = [
    'index.js',
    ...readdirSync(path.join(commanderDir, 'lib')).map((f) => path.join('lib', f)),
  ];
  const found = new Map<string, { default: boolean; named: Set<string> }>();
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    // Comments out (JSDoc mentions import("./x.js") for types).
    const source = readFileSync(path.join(commanderDir, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    assert.doesNotMatch(
      source,
      /\brequire\(|\bimport\(/,
      `${file} loads modules dynamically; the shims cannot see that`,
    );
    for (const match of source.matchAll(/^import\s+([^;]+?)\s+from\s+'(node:[\w/]+)';/gm)) {
      const [, clause, specifier] = match as unknown as [string, string, string];
      const entry = found.get(specifier) ?? { default: false, named: new Set<string>() };
      const named = /\{([^}]*)\}/.exec(clause);
      if (named)
        for (const name of named[1]!
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean))
          entry.named.add(name);
      if (/^[\w$]+(\s*,|$)/.test(clause)) entry.default = true;
      found.set(specifier, entry);
    }
    assert.doesNotMatch(
      source.replace(/^import\s+[^;]+?\s+from\s+'[^']+';/gm, ''),
      /from\s+'node:/,
      `${file} has an import form the test does not parse`,
    );
  }
  return found;
}

async function importShim(specifier: string): Promise<Record<string, unknown>> {
  return (await import(
    `data:text/javascript,${encodeURIComponent(shimSource(specifier))}`
  )) as Record<string, unknown>;
}

describe('commander start-up shims', () => {
  it('shim exactly the builtins and bindings commander imports', () => {
    const actual = commanderImports();
    assert.deepEqual([...actual.keys()].sort(), Object.keys(commanderBuiltins).sort());
    for (const [specifier, used] of actual) {
      const spec = commanderBuiltins[specifier]!;
      assert.equal(used.default, spec.default === true, `${specifier} default import`);
      assert.deepEqual(
        [...used.named].sort(),
        [...(spec.named ?? [])].sort(),
        `${specifier} named imports`,
      );
    }
  });

  it('hand out the real builtin objects', async () => {
    assert.equal((await importShim('node:fs')).default, fs);
    assert.equal((await importShim('node:path')).default, path);
    assert.equal((await importShim('node:process')).default, process);
    assert.equal((await importShim('node:events')).EventEmitter, events.EventEmitter);
    assert.equal(
      (await importShim('node:util')).stripVTControlCharacters,
      util.stripVTControlCharacters,
    );
  });

  it('load child_process on first use, with its real functions', async () => {
    const shim = (await importShim('node:child_process')).default as typeof childProcess;
    assert.equal(shim.spawn, childProcess.spawn);
    assert.equal(shim.execFileSync, childProcess.execFileSync);
  });

  it('refuse builtins they do not know', () => {
    assert.throws(() => shimSource('node:os'), /no shim for node:os/);
  });
});
