/**
 * `pongctl tournaments …`: list, show (the bracket as a tree, or the
 * round-robin table), create (a wizard on a terminal, flags otherwise), the
 * player's register and withdraw, and the organiser's verbs start, pause,
 * resume, cancel, kick and result.
 * Registration only: every verb imports its module inside its action.
 */
import type { Command } from 'commander';
import type { CommandRunner } from '../../command-runner.ts';

export function registerTournaments(program: Command, run: CommandRunner): void {
  const t = program
    .command('tournaments')
    .alias('tournament')
    .description(
      'tournaments: list, show the bracket, create, register and withdraw, and run them (creator or admin)',
    );
  t.command('list')
    .description('tournaments, newest first')
    .option('--state <state>', 'registration, running, paused, finished or cancelled')
    .option('--limit <n>', 'page size (1-100)', '20')
    .option('--all', 'follow every page')
    .option('--cursor <cursor>', 'start after this cursor (printed when a list is cut short)')
    .action(run(async (ctx, o) => (await import('./read.ts')).list(ctx, o)));
  t.command('show <id>')
    .description(
      'one tournament: the bracket as a tree (round robin: the table), open matches with their ids',
    )
    .action(run(async (ctx, id: string) => (await import('./read.ts')).show(ctx, id)));
  t.command('create')
    .description('create a tournament (a wizard on a terminal; flags otherwise)')
    .option('--name <name>', 'its name (1-60 characters)')
    .option('--capacity <n>', 'most players, 4-64')
    .option('--format <format>', 'single_elimination or round_robin')
    .option('--starts-at <time>', 'start automatically at this ISO 8601 time')
    .option('--registration-closes-at <time>', 'close registration at this ISO 8601 time')
    .option('--points-to-win <n>', 'points to win each game (1-21)')
    .option('--settings <json>', 'game settings as JSON (see GET /openapi.json GameSettings)')
    .action(run(async (ctx, o) => (await import('./create.ts')).create(ctx, o)));
  t.command('register <id>')
    .description('register for a tournament under an alias (unique within it)')
    .requiredOption('--alias <alias>', 'your name in this tournament (1-20 characters)')
    .action(
      run(async (ctx, id: string, o: { alias: string }) =>
        (await import('./entry.ts')).register(ctx, id, o),
      ),
    );
  t.command('withdraw <id>')
    .description('withdraw your registration before the start')
    .action(run(async (ctx, id: string) => (await import('./entry.ts')).withdraw(ctx, id)));
  for (const verb of ['start', 'pause', 'resume'] as const) {
    t.command(`${verb} <id>`)
      .description(
        {
          start: 'start now: seed by rating, draw the bracket, create round 1',
          pause: 'pause: games in progress finish, nothing new starts',
          resume: 'resume a paused tournament',
        }[verb],
      )
      .action(
        run(async (ctx, id: string) => (await import('./organise.ts')).simple(ctx, verb, id)),
      );
  }
  t.command('cancel <id>')
    .description('cancel: games in progress are aborted, everyone registered is told')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      run(async (ctx, id: string, o: { yes?: boolean }) =>
        (await import('./organise.ts')).cancel(ctx, id, o),
      ),
    );
  t.command('kick <id> <username>')
    .description('remove a player: the registration before the start, a forfeit after it')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      run(async (ctx, id: string, username: string, o: { yes?: boolean }) =>
        (await import('./organise.ts')).kick(ctx, { id, username, ...o }),
      ),
    );
  t.command('result <id> <matchId>')
    .description(
      'decide an open match (audited); the match id or its game id, as `show` lists them',
    )
    .requiredOption('--winner <name>', 'username or alias of the winner')
    .requiredOption('--reason <text>', 'why (kept in the audit log)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      run(
        async (
          ctx,
          id: string,
          matchId: string,
          o: { winner: string; reason: string; yes?: boolean },
        ) => (await import('./organise.ts')).result(ctx, { id, matchId, ...o }),
      ),
    );
}
