/** `pongctl simulate`: fill a server with reproducible activity (admin) for charts, dashboards and benchmarks. */
import type { Command } from 'commander';
import type { CommandRunner } from '../../command-runner.ts';

interface Options {
  users: string;
  days: string;
  matches: string;
  seed: string;
  prefix: string;
  now?: string;
  dryRun?: boolean;
}

function whole(name: string, text: string, [min, max]: [number, number]): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export function registerSimulate(program: Command, run: CommandRunner): void {
  program
    .command('simulate')
    .description(
      'generate users, friendships, chats, tournaments and ranked matches through the API (admin); the same seed gives the same data',
    )
    .option('--users <n>', 'users to register (spread over the period)', '200')
    .option('--days <n>', 'length of the simulated period, ending now', '30')
    .option('--matches <n>', 'finished matches to import', '5000')
    .option('--seed <n>', 'random seed', '42')
    .option('--prefix <text>', 'username prefix (must be unused)', 'sim')
    .option('--now <iso>', 'end of the simulated period instead of now (for comparable runs)')
    .option('--dry-run', "print the plan's size without writing anything")
    .action(
      run(async (ctx, o: Options) => {
        const { AppError } = await import('../../../api/contract/errors.ts');
        const { minUsers, planSimulation } = await import('./plan.ts');
        const fail = (message: string) => new AppError('VALIDATION', message);
        let sizes: { users: number; days: number; matches: number; seed: number };
        try {
          sizes = {
            users: whole('users', o.users, [minUsers, 100_000]),
            days: whole('days', o.days, [1, 365]),
            matches: whole('matches', o.matches, [0, 1_000_000]),
            seed: whole('seed', o.seed, [0, 2 ** 32 - 1]),
          };
        } catch (err) {
          throw fail((err as Error).message);
        }
        if (!/^[a-z][a-z0-9]{1,11}$/.test(o.prefix))
          throw fail('--prefix must be 2-12 lowercase letters and digits, starting with a letter');
        const now = o.now === undefined ? Date.now() : Date.parse(o.now);
        if (!Number.isFinite(now) || now > Date.now())
          throw fail('--now must be a date in the past');
        const { defaultGameSettings } = await import('../../../api/contract/game.ts');
        const plan = planSimulation({
          ...sizes,
          now: Math.floor(now / 1000) * 1000,
          prefix: o.prefix,
          pointsToWin: defaultGameSettings().pointsToWin,
        });
        const summary = {
          users: plan.users.length,
          friendships: plan.friendships.length,
          messages: plan.messages.length,
          tournaments: plan.tournaments.length,
          matches: plan.matches.length,
        };
        if (plan.matches.length < sizes.matches)
          ctx.io.warn(
            `--matches ${sizes.matches}: ${plan.matches.length} fit, because no player is in two matches at once and every match ends an hour before --now; more --users or --days make room for more`,
          );
        if (o.dryRun) return ctx.io.printRecord(summary);
        const { withSession } = await import('../../session.ts');
        const { runPlan } = await import('./run.ts');
        const done = await withSession(ctx, (admin) => runPlan(ctx, admin, plan, o.prefix));
        ctx.io.success(
          `simulated ${done.users} users, ${done.matches} matches, ${done.friendships} friendships, ${done.messages} messages, ${done.tournaments} tournaments`,
        );
        await ctx.io.printRecord(done);
      }),
    );
}
