/**
 * `pongctl replay <matchId> [--speed 2]`: watch an ended match full-screen.
 * The server re-simulates the stored input log (replay.start) and streams
 * it like a live match, so the replay ends on exactly the stored score.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';

export async function replay(
  ctx: CliContext,
  matchId: string,
  o: { speed: string },
): Promise<number> {
  const { requireTerminal, withScreen } = await import('../render/screen.ts');
  const io = { stdin: process.stdin, stdout: process.stdout };
  requireTerminal(io, 'pongctl replay');
  const speed = Number(o.speed);
  if (!(speed >= 0.25 && speed <= 8)) {
    const { AppError } = await import('../../api/contract/errors.ts');
    throw new AppError('VALIDATION', `--speed must be a number from 0.25 to 8 (got "${o.speed}")`);
  }
  const { openGameSocket } = await import('./game/socket.ts');
  const { socket } = await openGameSocket(ctx);
  try {
    const { watch, describeEnd } = await import('./game/watch.ts');
    const { AppError } = await import('../../api/contract/errors.ts');
    const result = await withScreen(io, async (screen) => {
      // replay.start has no reply: its frames come, or an error carrying its id (no such match, private, …).
      let off: () => void = () => undefined;
      const refused = new Promise<never>((_, reject) => {
        off = socket.on((m) => {
          if (m.type === 'error' && m.id === 'replay')
            reject(new AppError(m.code as 'NOT_FOUND', String(m.message)));
        });
      });
      socket.send({ type: 'replay.start', matchId, speed, id: 'replay' });
      try {
        return await Promise.race([
          watch({
            screen,
            socket,
            fps: 30,
            status: (v) => (v.phase === 'ended' ? 'replay over' : `replay ×${speed}`),
          }),
          refused,
        ]);
      } finally {
        off();
      }
    });
    if (result.kind === 'end') ctx.io.info(`replay: ${describeEnd(result.end, result.last)}`);
    return 0;
  } finally {
    socket.close();
  }
}

export function registerReplay(program: Command, run: CommandRunner): void {
  program
    .command('replay <matchId>')
    .description(
      'watch an ended match in the terminal, re-simulated by the server from its input log; q quits',
    )
    .option('--speed <factor>', 'playback speed, 0.25 to 8', '1')
    .addHelpText('after', '\nNeeds a terminal (exit 2 otherwise).')
    .action(run((ctx, matchId: string, o: { speed: string }) => replay(ctx, matchId, o)));
}
