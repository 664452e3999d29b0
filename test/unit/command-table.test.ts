import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { Command } from 'commander';
import { commandModules } from '../../cli/commands/index.ts';
import { requestedCommand } from '../../cli/main.ts';

const commandsDir = new URL('../../cli/commands/', import.meta.url);

describe('CLI command table', () => {
  it('matches what every command module registers: names, arguments, aliases, descriptions', async () => {
    for (const module of commandModules) {
      const program = new Command('pongctl');
      (await module.load())(program, () => async () => undefined);
      const registered = program.commands.map((c) => ({
        command: [
          c.name(),
          ...c.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)),
        ].join(' '),
        summary: c.description(),
        aliases: c.aliases(),
      }));
      const table = module.commands.map((c) => ({
        command: c.command,
        summary: c.summary,
        aliases: [...(c.aliases ?? [])],
      }));
      assert.deepEqual(table, registered);
    }
  });

  it('lists every module that registers commands', () => {
    const files = readdirSync(commandsDir, { withFileTypes: true }).flatMap((entry) => {
      if (entry.isFile() && entry.name.endsWith('.ts') && entry.name !== 'index.ts')
        return [entry.name];
      const index = new URL(`${entry.name}/index.ts`, commandsDir);
      return entry.isDirectory() && existsSync(index) ? [`${entry.name}/index.ts`] : [];
    });
    const registering = files.filter((f) =>
      /export function register\w+\(program/.test(readFileSync(new URL(f, commandsDir), 'utf8')),
    );
    const table = readFileSync(new URL('index.ts', commandsDir), 'utf8');
    for (const file of registering)
      assert.ok(table.includes(`import('./${file}')`), `${file} is in the command table`);
  });

  it('finds the requested command past global options and their values', () => {
    assert.equal(requestedCommand(['users', 'list']), 'users');
    assert.equal(requestedCommand(['--api', 'http://x', '-o', 'json', 'users', 'list']), 'users');
    assert.equal(requestedCommand(['--profile', 'ci', '-q', 'status']), 'status');
    assert.equal(requestedCommand(['--api=http://x', 'status']), 'status');
    assert.equal(requestedCommand(['help', 'grafana']), 'grafana');
    assert.equal(requestedCommand(['--help']), undefined);
    assert.equal(requestedCommand([]), undefined);
  });
});
