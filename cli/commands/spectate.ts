/**
 * `pongctl spectate [matchId] [--user name]`: watch a live public match
 * full-screen (alternate screen, half-block field, names, score, spectators,
 * frame rate), following terminal resizes; q or Ctrl-C quits and restores
 * the terminal. Without an argument, pick one of the live matches from a
 * list. Without a terminal it refuses (exit 2): there is nothing to draw on.
 */
import type { Command } from 'commander';
import type { GameView } from '../../api/contract/game.ts';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';

interface SpectateOptions {
  user?: string;
}

/** Lists the live public matches and lets the user choose one. */
async function pickMatch(ctx: CliContext): Promise<string> {
  const { withSession } = await import('../session.ts');
  const { AppError } = await import('../../api/contract/errors.ts');
  const live = await withSession(ctx, (client) =>
    client.call('games.list', { query: { state: 'live', limit: 50 } }),
  );
  if (live.data.length === 0)
    throw new AppError('NOT_FOUND', 'No live public match to watch right now');
  ctx.io.requireInteractive('a match', 'give a match id or --user');
  const { select } = await import('@inquirer/prompts');
  return select({
    message: 'Watch which match?',
    choices: live.data.map((m) => ({
      value: m.id,
      name: `${m.players[0].username ?? `bot ${m.players[0].bot}`} vs ${m.players[1].username ?? `bot ${m.players[1].bot}`}  ${m.score[0]}:${m.score[1]}  (${m.kind}${m.ranked ? ', ranked' : ''})`,
    })),
  });
}

/** A match that is no longer live may have ended: then the error points at its replay. */
async function endedHint(ctx: CliContext, matchId: string, err: unknown): Promise<unknown> {
  const { AppError } = await import('../../api/contract/errors.ts');
  if (!(err instanceof AppError) || err.code !== 'NOT_FOUND') return err;
  const { withSession } = await import('../session.ts');
  const match = await withSession(ctx, (c) =>
    c.call('games.get', { params: { id: matchId } }),
  ).catch(() => null);
  if (!match || match.data.endedAt === null) return err;
  const watchable = match.data.startedAt !== null;
  return new AppError(
    'NOT_FOUND',
    `Match ${matchId} has ended (${match.data.state}, ${match.data.score[0]}:${match.data.score[1]})${watchable ? `; watch it again with \`pongctl replay ${matchId}\`` : ''}`,
  );
}

export async function spectate(
  ctx: CliContext,
  matchId: string | undefined,
  o: SpectateOptions,
): Promise<number> {
  const { requireTerminal, withScreen } = await import('../render/screen.ts');
  const io = { stdin: process.stdin, stdout: process.stdout };
  requireTerminal(io, 'pongctl spectate');
  const { AppError } = await import('../../api/contract/errors.ts');
  if (matchId !== undefined && o.user !== undefined)
    throw new AppError('VALIDATION', 'give either a match id or --user, not both');
  const target: { username?: string; matchId?: string } =
    o.user !== undefined ? { username: o.user } : { matchId: matchId ?? (await pickMatch(ctx)) };
  const { openGameSocket } = await import('./game/socket.ts');
  const { socket } = await openGameSocket(ctx);
  try {
    const reply = await socket
      .request({ type: 'spectate.start', ...target })
      .catch(async (err: unknown) => {
        throw target.matchId === undefined ? err : await endedHint(ctx, target.matchId, err);
      });
    const { watch, describeEnd } = await import('./game/watch.ts');
    const result = await withScreen(io, (screen) =>
      watch({ screen, socket, first: reply.state as GameView, fps: 30, keysHint: 'q quits' }),
    );
    if (result.kind === 'end') ctx.io.info(describeEnd(result.end, result.last));
    return 0;
  } finally {
    socket.close();
  }
}

export function registerSpectate(program: Command, run: CommandRunner): void {
  program
    .command('spectate [matchId]')
    .description(
      'watch a live match full-screen in the terminal (no argument: choose from the live matches); q quits',
    )
    .option('--user <name>', 'watch the match this user is playing')
    .addHelpText(
      'after',
      '\nNeeds a terminal (exit 2 otherwise). The field follows terminal resizes; q or Ctrl-C quits and restores the terminal.',
    )
    .action(
      run((ctx, matchId: string | undefined, o: SpectateOptions) => spectate(ctx, matchId, o)),
    );
}
