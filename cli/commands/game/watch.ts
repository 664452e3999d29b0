/**
 * The screen loop shared by `pongctl spectate`, `play` and `replay`: keeps
 * the newest `game.state`, redraws it with the pure renderer at most `fps`
 * times a second (and on resize), measures the rate at which frames arrive,
 * and ends on `game.end`, on `q` / Ctrl-C (confirmed by a second press when
 * leaving would forfeit), on a termination signal, or with the error of an
 * unexpected close.
 */
import type { AppError } from '../../../api/contract/errors.ts';
import type { GameView } from '../../../api/contract/game.ts';
import { keysOf, type InputKey } from '../../render/input-model.ts';
import { renderField } from '../../render/pong.ts';
import type { Screen } from '../../render/screen.ts';
import type { GameSocket, ServerMessage } from './socket.ts';

export interface GameEnd {
  matchId: string;
  outcome: 'finished' | 'aborted' | 'forfeited';
  reason?: string;
  winner: string | null;
  score: [number, number];
  ratingChange?: number;
}

export type WatchResult =
  | { kind: 'end'; end: GameEnd; last: GameView | undefined }
  | { kind: 'quit'; why: string; last: GameView | undefined };

export interface WatchOptions {
  screen: Screen;
  socket: GameSocket;
  /** The view the server answered the join / spectate request with. */
  first?: GameView;
  /** Most redraws per second. */
  fps: number;
  /** The footer's status for a view; undefined keeps the renderer's phase status. */
  status?(view: GameView): string | undefined;
  /** Keys named after the phase status in the footer (spectate: "q quits"). */
  keysHint?: string;
  /** Movement keys (play); quit keys end the loop. */
  onKeys?(keys: InputKey[], now: number): void;
  /** Runs before every redraw opportunity (play sends its input from here). */
  onFrame?(now: number): void;
  /** Whether quitting now costs something (a forfeit): then `q` asks, and a second `q` quits. */
  quitNeedsConfirm?(view: GameView | undefined): boolean;
}

/** The footer while a quit waits for its confirmation. */
export const confirmQuitStatus = 'forfeit? q again to leave · any other key plays on';

interface Loop {
  view: GameView | undefined;
  dirty: boolean;
  /** game.state frames received in the current second, and the last full second's count. */
  frames: number;
  rate: number | undefined;
  /** A first `q` was pressed and waits for the second. */
  confirming: boolean;
}

function draw(options: WatchOptions, loop: Loop): void {
  const { columns, rows } = options.screen.size;
  if (!loop.view) return options.screen.draw(['connecting…'.padEnd(columns)]);
  const status = loop.confirming ? confirmQuitStatus : options.status?.(loop.view);
  options.screen.draw(
    renderField(loop.view, columns, rows, {
      fps: loop.rate,
      keysHint: options.keysHint,
      ...(status === undefined ? {} : { status }),
    }),
  );
}

/** Runs the loop until the match ends or the user quits; rejects with the error of an unexpected close. */
export function watch(options: WatchOptions): Promise<WatchResult> {
  const { screen, socket } = options;
  const loop: Loop = {
    view: options.first,
    dirty: true,
    frames: 0,
    rate: undefined,
    confirming: false,
  };
  return new Promise<WatchResult>((resolve, reject) => {
    const onMessage = (m: ServerMessage): void => {
      if (m.type === 'game.state') {
        loop.view = m.state as GameView;
        loop.dirty = true;
        loop.frames++;
      } else if (m.type === 'game.end') {
        draw(options, loop);
        finish(() => resolve({ kind: 'end', end: m as unknown as GameEnd, last: loop.view }));
      }
    };
    const off = socket.on(onMessage);
    const redraw = setInterval(() => {
      options.onFrame?.(performance.now());
      if (!loop.dirty) return;
      loop.dirty = false;
      draw(options, loop);
    }, 1000 / options.fps);
    const measure = setInterval(() => {
      loop.rate = loop.frames;
      loop.frames = 0;
      loop.dirty = true;
    }, 1000);
    const finish = (settle: () => void): void => {
      clearInterval(redraw);
      clearInterval(measure);
      for (const dispose of [off, offKey, offResize, offQuit]) dispose();
      settle();
    };
    const offKey = screen.onKey((data) => {
      const keys = keysOf(data);
      const asking = loop.confirming;
      if (asking) {
        loop.confirming = false;
        loop.dirty = true;
      }
      if (keys.includes('quit')) {
        if (asking || !options.quitNeedsConfirm?.(loop.view))
          return finish(() => resolve({ kind: 'quit', why: 'key', last: loop.view }));
        loop.confirming = true;
        return;
      }
      options.onKeys?.(keys as InputKey[], performance.now());
    });
    const offResize = screen.onResize(() => (loop.dirty = true));
    const offQuit = screen.onQuit((why) =>
      finish(() => resolve({ kind: 'quit', why, last: loop.view })),
    );
    void socket.closed.then((err: AppError | null) =>
      finish(() => (err ? reject(err) : resolve({ kind: 'quit', why: 'closed', last: loop.view }))),
    );
  });
}

/** One line about how a match ended, from `me`'s point of view when given. */
export function describeEnd(end: GameEnd, last: GameView | undefined, me?: string): string {
  const names = last
    ? `${last.players[0].username} ${end.score[0]} : ${end.score[1]} ${last.players[1].username}`
    : `${end.score[0]} : ${end.score[1]}`;
  const why = end.reason ? ` (${end.reason})` : '';
  if (end.outcome === 'aborted') return `match aborted${why}: ${names}`;
  const rating =
    end.ratingChange === undefined
      ? ''
      : `, rating ${end.ratingChange >= 0 ? '+' : ''}${end.ratingChange.toFixed(1)}`;
  if (me !== undefined && end.winner !== null)
    return `${end.winner === me ? 'you won' : 'you lost'}${why}: ${names}${rating}`;
  return `${end.winner === null ? 'draw' : `${end.winner} won`}${why}: ${names}${rating}`;
}
