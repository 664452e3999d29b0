/**
 * The pongctl program: global options, the command tree, and the one exit
 * point that maps errors to exit codes. Command modules only register here;
 * each imports what it needs inside its action, so `--help` loads commander only.
 */
import { Command, CommanderError, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { registerAlerts } from './commands/alerts/index.ts';
import { registerAudit } from './commands/audit.ts';
import { registerChat } from './commands/chat.ts';
import { registerConfig } from './commands/config.ts';
import { registerDb } from './commands/db.ts';
import { registerDigest } from './commands/digest.ts';
import { registerGames } from './commands/games.ts';
import { registerGrafana } from './commands/grafana/index.ts';
import { registerKibana } from './commands/kibana.ts';
import { registerLeaderboard } from './commands/leaderboard.ts';
import { registerLogs } from './commands/logs.ts';
import { registerLogin } from './commands/login.ts';
import { registerNotify } from './commands/notify.ts';
import { registerPlay } from './commands/play.ts';
import { registerPresence } from './commands/presence.ts';
import { registerReplay } from './commands/replay.ts';
import { registerSecrets } from './commands/secrets.ts';
import { registerServe } from './commands/serve.ts';
import { registerSimulate } from './commands/simulate/index.ts';
import { registerSpectate } from './commands/spectate.ts';
import { registerStats } from './commands/stats/index.ts';
import { registerStatus } from './commands/status.ts';
import { registerVersion } from './commands/version.ts';
import { registerTokens } from './commands/tokens.ts';
import { registerTournaments } from './commands/tournaments/index.ts';
import { registerUsers } from './commands/users.ts';
import type { Runner } from './runner.ts';

export const exitCodesHelp = `
Exit codes:
  0   success            4   not signed in or not allowed
  1   failure / diff     5   conflict
  2   usage or invalid   6   unavailable or rate limited
  3   not found          78  configuration error

Environment:
  PONGCTL_API, PONGCTL_TOKEN, PONGCTL_PROFILE, PONGCTL_NO_INPUT, NO_COLOR`;

function buildProgram(state: { exitCode: number }): Command {
  const program = new Command('pongctl')
    .description('Run the pongctl Pong platform and its observability stack')
    .version(`pongctl ${pkg.version}`, '--version', 'print the version')
    .option('--api <url>', 'API base URL (env PONGCTL_API)')
    .option('--profile <name>', 'profile to use (env PONGCTL_PROFILE)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml', 'csv']))
    .option('--no-color', 'disable colour (also NO_COLOR)')
    .option('--no-input', 'never prompt; fail when input is missing')
    .option('-q, --quiet', 'print only data')
    .option('-v, --verbose', 'print debugging details on stderr')
    .showSuggestionAfterError()
    .addHelpText('after', exitCodesHelp)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  const run: Runner = (impl) => async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const { resolveContext } = await import('./context.ts');
    const ctx = resolveContext(command.optsWithGlobals(), process);
    const code = await impl(ctx, ...args.slice(0, -1));
    if (typeof code === 'number') state.exitCode = code;
  };

  registerServe(program, run);
  registerDb(program, run);
  registerStatus(program, run);
  registerVersion(program, run);
  registerConfig(program, run);
  registerLogin(program, run);
  registerUsers(program, run);
  registerTokens(program, run);
  registerAudit(program, run);
  registerChat(program, run);
  registerPresence(program, run);
  registerNotify(program, run);
  registerGames(program, run);
  registerTournaments(program, run);
  registerPlay(program, run);
  registerSpectate(program, run);
  registerReplay(program, run);
  registerLeaderboard(program, run);
  registerStats(program, run);
  registerSimulate(program, run);
  registerDigest(program, run);
  registerAlerts(program, run);
  registerGrafana(program, run);
  registerSecrets(program, run);
  registerLogs(program, run);
  registerKibana(program, run);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI with these arguments and resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const state = { exitCode: 0 };
  const program = buildProgram(state);
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
