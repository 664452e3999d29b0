/**
 * `pongctl play [--bot level | --ranked | --casual | --invite user]`: play
 * from the terminal. W/S or the arrow keys move the paddle through the
 * key-repeat input model (render/input-model.ts), sent as game.input with
 * increasing sequence numbers whenever the held direction changes; the
 * screen draws the server's state. q leaves the match (a forfeit once play
 * has begun) and restores the terminal.
 */
import type { Command } from 'commander';
import type { BotLevel, GameView } from '../../api/contract/game.ts';
import type { CliContext } from '../context.ts';
import { describeInputModel } from '../render/input-model.ts';
import type { Runner } from '../runner.ts';
import type { Screen } from '../render/screen.ts';
import type { Opponent } from './game/lobby.ts';
import type { GameSocket, ServerMessage } from './game/socket.ts';
import type { WatchResult } from './game/watch.ts';

interface PlayOptions {
  bot?: string;
  ranked?: boolean;
  casual?: boolean;
  invite?: string;
}

const botLevels = ['easy', 'normal', 'hard'];

async function opponentOf(o: PlayOptions): Promise<Opponent> {
  const { AppError } = await import('../../api/contract/errors.ts');
  const chosen = [
    o.bot !== undefined,
    Boolean(o.ranked),
    Boolean(o.casual),
    o.invite !== undefined,
  ].filter(Boolean).length;
  if (chosen > 1)
    throw new AppError('VALIDATION', 'choose one of --bot, --ranked, --casual, --invite');
  if (o.ranked) return { kind: 'queue', mode: 'ranked' };
  if (o.casual) return { kind: 'queue', mode: 'casual' };
  if (o.invite !== undefined) return { kind: 'invite', username: o.invite };
  const level = o.bot ?? 'normal';
  if (!botLevels.includes(level))
    throw new AppError(
      'VALIDATION',
      `--bot must be one of ${botLevels.join(', ')} (got "${level}")`,
    );
  return { kind: 'bot', level: level as BotLevel };
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
  s: { socket: GameSocket; me: string; opponent: Opponent },
): Promise<WatchResult | null> {
  const { findMatch } = await import('./game/lobby.ts');
  const matchId = await findMatch({ ctx, screen, socket: s.socket }, s.opponent);
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
      onFrame: (now) => keys.flush(now),
    });
    if (result.kind === 'quit') s.socket.send({ type: 'game.leave', matchId });
    return result;
  } finally {
    keys.off();
  }
}

export async function play(ctx: CliContext, o: PlayOptions): Promise<number> {
  const { requireTerminal, withScreen } = await import('../render/screen.ts');
  const io = { stdin: process.stdin, stdout: process.stdout };
  requireTerminal(io, 'pongctl play');
  const opponent = await opponentOf(o);
  const { openGameSocket } = await import('./game/socket.ts');
  const { socket, username } = await openGameSocket(ctx);
  try {
    const result = await withScreen(io, (screen) =>
      playMatch(ctx, screen, { socket, me: username, opponent }),
    );
    const { describeEnd } = await import('./game/watch.ts');
    if (result === null) ctx.io.info('cancelled');
    else if (result.kind === 'end') ctx.io.info(describeEnd(result.end, result.last, username));
    else ctx.io.info('you left the match');
    return 0;
  } finally {
    socket.close();
  }
}

export function registerPlay(program: Command, run: Runner): void {
  program
    .command('play')
    .description(
      'play Pong in the terminal: against the bot (default: --bot normal), from the matchmaking queue, or a user you invite',
    )
    .option('--bot <level>', 'play the bot: easy, normal or hard')
    .option('--ranked', 'find an opponent in the ranked queue (ratings change)')
    .option('--casual', 'find an opponent in the casual queue')
    .option('--invite <user>', 'invite a user and play once they accept')
    .addHelpText(
      'after',
      `\n${describeInputModel()}\nNeeds a terminal (exit 2 otherwise). Leaving a match that has started forfeits it.`,
    )
    .action(run((ctx, o: PlayOptions) => play(ctx, o)));
}
