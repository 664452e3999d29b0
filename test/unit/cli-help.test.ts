import assert from 'node:assert/strict';
import { Command } from 'commander';
import { commandModules } from '../../cli/commands/index.ts';
import { commandPath, decorateHelp, helpExamples } from '../../cli/help.ts';

/** The program with every command module registered and the help decoration main.ts applies. */
async function fullProgram(): Promise<Command> {
  const program = new Command('pongctl');
  for (const module of commandModules) (await module.load())(program, () => async () => undefined);
  decorateHelp(program);
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

/** What `--help` prints for a command: commander's text and the text added after it. */
function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

describe('every command’s --help', () => {
  it('has at least one example that runs pongctl with that command', async () => {
    const commands = allCommands(await fullProgram()).filter((c) => c.name() !== 'help');
    assert.ok(commands.length > 80, `found ${commands.length} commands`);
    for (const command of commands) {
      const path = commandPath(command);
      const text = helpOf(command);
      const examples = /\nExamples:\n((?: {2}\$ .*\n?)+)/.exec(text);
      assert.ok(examples, `${path}: no Examples section`);
      assert.match(examples[1]!, new RegExp(`pongctl ${path}\\b`), `${path}: examples use it`);
    }
  });

  it('marks every required option', async () => {
    const commands = allCommands(await fullProgram());
    const required = commands.flatMap((c) =>
      c.options.filter((o) => o.mandatory).map((o) => ({ command: c, option: o })),
    );
    assert.ok(required.length >= 5, 'there are required options to check');
    for (const { command, option } of required) {
      const line = helpOf(command)
        .split('\n')
        .find((l) => l.trimStart().startsWith(option.flags));
      assert.match(line ?? '', /\(required\)/, `${commandPath(command)} ${option.flags}`);
    }
  });

  it('has no examples for commands that do not exist', async () => {
    const paths = new Set(allCommands(await fullProgram()).map(commandPath));
    for (const path of Object.keys(helpExamples))
      if (path !== '') assert.ok(paths.has(path), `${path} is a command`);
  });
});
