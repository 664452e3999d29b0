/**
 * The pongctl program: global options, the command tree, and the one exit
 * point that maps errors to exit codes. Only the module of the command being
 * run is imported (see commands/index.ts); help lists the others from the
 * command table. `pongctl --help` itself does not come here: see top-help.ts.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { isHttpUrl } from './api-url.ts';
import { commandModules } from './commands/index.ts';
import { decorateHelp } from './help.ts';
import { exitCodesHelp, globalOptions, programDescription, versionOption } from './program-spec.ts';
import type { CommandRunner } from './command-runner.ts';

/** `--api` is checked as it is parsed, so a bad URL is a usage error for every command. */
function apiUrlFlag(text: string): string {
  if (!isHttpUrl(text)) throw new InvalidArgumentError('must be an http:// or https:// URL');
  return text;
}

const optionsWithValues = new Set(['--api', '--profile', '-o', '--output']);

/** The command asked for: the first word that is neither an option nor an option's value (`help X` asks for X). */
export function requestedCommand(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (optionsWithValues.has(arg)) i++;
    else if (!arg.startsWith('-'))
      return arg === 'help' ? argv.slice(i + 1).find((a) => !a.startsWith('-')) : arg;
  }
  return undefined;
}

/** Registers the requested command's module for real and every other command as a help-only summary. */
async function registerCommands(
  program: Command,
  run: CommandRunner,
  argv: readonly string[],
): Promise<void> {
  const wanted = requestedCommand(argv);
  const named = (c: { command: string; aliases?: readonly string[] }) =>
    c.command.split(' ')[0] === wanted || Boolean(wanted && c.aliases?.includes(wanted));
  for (const module of commandModules) {
    if (module.commands.some(named)) {
      (await module.load())(program, run);
      continue;
    }
    for (const summary of module.commands) {
      program
        .command(summary.command)
        .aliases([...(summary.aliases ?? [])])
        .description(summary.summary)
        .action(() => {
          throw new Error(`command ${summary.command} was not loaded`);
        });
    }
  }
}

/** The whole program, with only the command `argv` asks for loaded. */
export async function buildProgram(
  state: { exitCode: number },
  argv: readonly string[],
): Promise<Command> {
  const program = new Command('pongctl')
    .description(programDescription)
    .version(`pongctl ${pkg.version}`, versionOption.flags, versionOption.description);
  for (const spec of globalOptions) {
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    if (option.long === '--api') option.argParser(apiUrlFlag);
    program.addOption(option);
  }
  program
    .showSuggestionAfterError()
    .addHelpText('after', exitCodesHelp)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  const run: CommandRunner =
    (impl) =>
    async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      const { resolveContext } = await import('./context.ts');
      const ctx = resolveContext(command.optsWithGlobals(), process);
      const code = await impl(ctx, ...args.slice(0, -1));
      if (typeof code === 'number') state.exitCode = code;
    };

  await registerCommands(program, run, argv);
  for (const command of program.commands) command.exitOverride();
  decorateHelp(program);
  return program;
}

/** Runs the CLI with these arguments and resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const state = { exitCode: 0 };
  const program = await buildProgram(state, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version "errors" are successes; every other parse failure is a usage error.
      return err.exitCode === 0 ? 0 : 2;
    }
    const { reportError } = await import('./exit.ts');
    return reportError(err, process.stderr);
  }
}
