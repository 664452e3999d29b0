/**
 * `pongctl play [--bot level | --ranked | --casual | --invite user | --accept
 * user|id | --tournament id | --resume]`: play from the terminal. Whatever
 * the mode, a live match of the player's (after a dropped connection) is
 * rejoined first, within the grace period; --resume does only that. W/S or
 * the arrow keys move the paddle through the key-repeat input model
 * (render/input-model.ts), sent as game.input with increasing sequence
 * numbers whenever the held direction changes; the screen draws the
 * server's state. q leaves the match and restores the terminal; once play
 * has begun that is a forfeit, so q asks and a second q leaves. The match id
 * and final score are printed at the end.
 */
import type { Command } from 'commander';
import type { BotLevel, GameView } from '../../api/contract/game.ts';
import type { CliContext } from '../context.ts';
import { describeInputModel } from '../render/input-model.ts';
import type { CommandRunner } from '../command-runner.ts';
import type { Screen } from '../render/screen.ts';
import type { Opponent } from './game/lobby.ts';
import type { GameSocket, ServerMessage } from './game/socket.ts';
import type { WatchResult } from './game/watch.ts';

interface PlayOptions {
  bot?: string;
  ranked?: boolean;
  casual?: boolean;
  invite?: string;
  accept?: string;
  tournament?: string;
  resume?: boolean;
  points?: string;
}

const botLevels = ['easy', 'normal', 'hard'];

/** The way to find a match that the options ask for; null for --resume (rejoin only). */
async function opponentOf(o: PlayOptions): Promise<Opponent | null> {
  const { AppError } = await import('../../api/contract/errors.ts');
  const chosen = [
    o.bot !== undefined,
    Boolean(o.ranked),
    Boolean(o.casual),
    o.invite !== undefined,
    o.accept !== undefined,
    o.tournament !== undefined,
    Boolean(o.resume),
  ].filter(Boolean).length;
  if (chosen > 1)
    throw new AppError(
      'VALIDATION',
      'choose one of --bot, --ranked, --casual, --invite, --accept, --tournament, --resume',
    );
  const points = o.points === undefined ? undefined : Number(o.points);
  if (points !== undefined && !(Number.isInteger(points) && points >= 1 && points <= 21))
    throw new AppError(
      'VALIDATION',
      `--points must be a whole number from 1 to 21 (got "${o.points}")`,
    );
  if (points !== undefined && (o.ranked || o.casual || o.accept || o.tournament || o.resume))
    throw new AppError('VALIDATION', '--points goes with --invite or --bot (the match you create)');
  if (o.resume) return null;
  if (o.ranked) return { kind: 'queue', mode: 'ranked' };
  if (o.casual) return { kind: 'queue', mode: 'casual' };
  if (o.invite !== undefined) return { kind: 'invite', username: o.invite, pointsToWin: points };
  if (o.accept !== undefined) return { kind: 'accept', who: o.accept };
  if (o.tournament !== undefined) return { kind: 'tournament', id: o.tournament };
  const level = o.bot ?? 'normal';
  if (!botLevels.includes(level))
    throw new AppError(
      'VALIDATION',
      `--bot must be one of ${botLevels.join(', ')} (got "${level}")`,
    );
  return { kind: 'bot', level: level as BotLevel, pointsToWin: points };
}

const inPlay = new Set(['countdown', 'serve', 'play', 'paused']);

/** Turns key presses into game.input messages: one per change of the held direction. */
async function keyboard(socket: GameSocket, matchId: string) {
  const { directionAt, initialInputState, pressKey } = await import('../render/input-model.ts');
  let state = initialInputState();
  let seq = 0;
  let sent: number | null = null;
  let phase = '';
  const off = socket.on((m: ServerMessage) => {
    if (m.type !== 'game.state') return;
    const next = (m.state as GameView).phase;
    // Inputs are refused before the countdown: once it starts, the current direction is sent again.
    if (inPlay.has(next) && !inPlay.has(phase)) sent = null;
    phase = next;
  });
  const flush = (now: number): void => {
    if (!inPlay.has(phase)) return;
    const dir = directionAt(state, now);
    if (dir === sent) return;
    sent = dir;
    socket.send({ type: 'game.input', matchId, seq: ++seq, dir });
  };
  return {
    press(keys: ('up' | 'down' | 'stop')[], now: number) {
      for (const key of keys) state = pressKey(state, key, now);
      flush(now);
    },
    flush,
    off,
  };
}

async function playMatch(
  ctx: CliContext,
  screen: Screen,
  s: { socket: GameSocket; me: string; opponent: Opponent | null; rejoin?: string },
): Promise<{ matchId: string; result: WatchResult } | null> {
  const { findMatch } = await import('./game/lobby.ts');
  const matchId = s.rejoin ?? (await findMatch({ ctx, screen, socket: s.socket }, s.opponent!));
  if (matchId === null) return null;
  const joined = await s.socket.request({ type: 'game.join', matchId });
  s.socket.send({ type: 'game.ready', matchId });
  const first = joined.state as GameView;
  const side = first.players[0].username === s.me ? 'left' : 'right';
  const keys = await keyboard(s.socket, matchId);
  const { watch } = await import('./game/watch.ts');
  try {
    const result = await watch({
      screen,
      socket: s.socket,
      first,
      fps: 60,
      status: (v) =>
        v.phase === 'play' || v.phase === 'serve'
          ? `you: ${side} · W/S or ↑/↓ · q forfeits`
          : undefined,
      onKeys: (k, now) => keys.press(k, now),
      // Leaving once play has begun forfeits the match: ask first.
      quitNeedsConfirm: (v) => v?.phase === 'serve' || v?.phase === 'play' || v?.phase === 'paused',
      onFrame: (now) => keys.flush(now),
    });
    if (result.kind === 'quit') s.socket.send({ type: 'game.leave', matchId });
    return { matchId, result };
  } finally {
    keys.off();
  }
}

/** The player's match to rejoin: one that is ready or being played (a dropped connection leaves it paused). */
async function liveMatchOf(ctx: CliContext): Promise<string | undefined> {
  const { withSession } = await import('../session.ts');
  const live = await withSession(ctx, (client) =>
    client.call('games.mine', { query: { state: 'live', limit: 1 } }),
  );
  return live.data[0]?.id;
}

export async function play(ctx: CliContext, o: PlayOptions): Promise<number> {
  const { requireTerminal, withScreen } = await import('../render/screen.ts');
  const io = { stdin: process.stdin, stdout: process.stdout };
  requireTerminal(io, 'pongctl play');
  const opponent = await opponentOf(o);
  // A tournament's game is live as soon as it is announced: --tournament finds it itself, with its opponent and deadline.
  const rejoin = opponent?.kind === 'tournament' ? undefined : await liveMatchOf(ctx);
  if (opponent === null && rejoin === undefined) {
    const { AppError } = await import('../../api/contract/errors.ts');
    throw new AppError('NOT_FOUND', 'You have no live match to rejoin');
  }
  const { openGameSocket } = await import('./game/socket.ts');
  const { socket, username } = await openGameSocket(ctx);
  try {
    if (rejoin) ctx.io.info(`rejoining your match ${rejoin}`);
    const played = await withScreen(io, (screen) =>
      playMatch(ctx, screen, { socket, me: username, opponent, rejoin }),
    );
    if (played === null) {
      ctx.io.info('cancelled');
      return 0;
    }
    const { describeEnd } = await import('./game/watch.ts');
    const { result, matchId } = played;
    if (result.kind === 'end') ctx.io.info(describeEnd(result.end, result.last, username));
    else ctx.io.info('you left the match');
    const { finalScore } = await import('./game/final-score.ts');
    ctx.io.info(await finalScore(ctx, matchId));
    return 0;
  } finally {
    socket.close();
  }
}

export function registerPlay(program: Command, run: CommandRunner): void {
  program
    .command('play')
    .description(
      'play Pong in the terminal: against the bot (default: --bot normal), from the matchmaking queue, a user you invite or whose invite you accept, or your next tournament match; rejoins your live match first',
    )
    .option('--bot <level>', 'play the bot: easy, normal or hard')
    .option('--ranked', 'find an opponent in the ranked queue (ratings change)')
    .option('--casual', 'find an opponent in the casual queue')
    .option('--invite <user>', 'invite a user and play once they accept')
    .option('--accept <invite>', 'accept an invite (the inviter’s name or the match id) and play')
    .option('--tournament <id>', 'wait for your next match in this tournament and play it')
    .option('--resume', 'only rejoin your live match (after a dropped connection); exit 3 if none')
    .option('--points <n>', 'with --invite or --bot: first to this many points wins (1-21)')
    .addHelpText(
      'after',
      `\n${describeInputModel()}\nNeeds a terminal (exit 2 otherwise). Leaving a match that has started forfeits it.
A live match of yours (a dropped connection pauses it for GAME_GRACE_MS) is rejoined whatever the mode.`,
    )
    .action(run((ctx, o: PlayOptions) => play(ctx, o)));
}
