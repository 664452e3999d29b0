/** `pongctl stats user|match|platform`: player, match and platform statistics with terminal charts. */
import type { Command } from 'commander';
import type { CommandRunner } from '../../command-runner.ts';

export function registerStats(program: Command, run: CommandRunner): void {
  const stats = program
    .command('stats')
    .description('player, match and platform statistics, with charts on a terminal');
  stats
    .command('user <name>')
    .description("a player's stats over the last days (private matches only in your own view)")
    .option('--days <n>', 'window in UTC days (1-365)', '30')
    .option('--chart <kind>', 'draw a chart: rating, activity or winrate')
    .action(
      run(async (ctx, name: string, o: { days?: string; chart?: string }) =>
        (await import('./user.ts')).statsUser(ctx, name, o),
      ),
    );
  stats
    .command('match <id>')
    .description('one match: players, points, rallies and the score timeline')
    .option('--chart <kind>', 'draw a chart: score')
    .action(
      run(async (ctx, id: string, o: { chart?: string }) =>
        (await import('./match.ts')).statsMatch(ctx, id, o),
      ),
    );
  stats
    .command('platform')
    .description('registrations, active users, matches, queue waits (admin)')
    .option('--days <n>', 'window in UTC days (1-365)', '30')
    .option('--chart <kind>', 'draw a chart: matches, active or registrations')
    .action(
      run(async (ctx, o: { days?: string; chart?: string }) =>
        (await import('./platform.ts')).statsPlatform(ctx, o),
      ),
    );
}
