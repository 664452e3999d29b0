/**
 * How `pongctl play` gets a match: against the bot (ready at once), from the
 * matchmaking queue (queue.join, then queue.matched), by inviting a user
 * (then waiting until they accept), by accepting an invite, or by waiting for
 * the next match of a tournament. While waiting, a small screen says what is
 * going on; q / Ctrl-C / a signal cancels (leaving the queue, withdrawing
 * the invite) and resolves with null.
 */
import type { BotLevel, GameSettings } from '../../../api/contract/game.ts';
import type { CliContext } from '../../context.ts';
import { keysOf } from '../../render/input-model.ts';
import type { Screen } from '../../render/screen.ts';
import type { GameSocket, ServerMessage } from './socket.ts';

export type Opponent =
  | { kind: 'bot'; level: BotLevel; pointsToWin?: number }
  | { kind: 'queue'; mode: 'ranked' | 'casual' }
  | { kind: 'invite'; username: string; pointsToWin?: number }
  | { kind: 'accept'; who: string }
  | { kind: 'tournament'; id: string };

export interface Lobby {
  ctx: CliContext;
  screen: Screen;
  socket: GameSocket;
}

/** Draws a few centred lines on an otherwise empty screen. */
export function message(screen: Screen, lines: string[]): void {
  const { columns, rows } = screen.size;
  const top = Math.max(0, Math.floor((rows - lines.length) / 2));
  const out = Array.from({ length: rows }, (_, i) => {
    const text = [...(lines[i - top] ?? '')].slice(0, columns).join('');
    const left = Math.max(0, Math.floor((columns - [...text].length) / 2));
    return (' '.repeat(left) + text).padEnd(columns);
  });
  screen.draw(out);
}

/**
 * Waits for `ready` while redrawing `lines()` every second; resolves with its
 * value, or null when the user cancels (after `cancel` ran).
 */
export function waitFor<T>(
  lobby: Lobby,
  wait: { ready: Promise<T>; lines: () => string[]; cancel: () => Promise<void> },
): Promise<T | null> {
  const { screen } = lobby;
  return new Promise<T | null>((resolve, reject) => {
    const draw = () => message(screen, wait.lines());
    const timer = setInterval(draw, 1000);
    const offResize = screen.onResize(draw);
    const stop = (): void => {
      clearInterval(timer);
      offResize();
      offKey();
      offQuit();
    };
    const cancel = (): void => {
      stop();
      wait.cancel().then(() => resolve(null), reject);
    };
    const offKey = screen.onKey((data) => {
      if (keysOf(data).includes('quit')) cancel();
    });
    const offQuit = screen.onQuit(cancel);
    draw();
    wait.ready.then(
      (value) => (stop(), resolve(value)),
      (err: unknown) => (stop(), reject(err)),
    );
  });
}

async function fromQueue(lobby: Lobby, mode: 'ranked' | 'casual'): Promise<string | null> {
  const { socket } = lobby;
  const matched = socket.next('queue.matched');
  // Handled by waitFor; this keeps a refused queue.join from leaving it unhandled.
  matched.catch(() => undefined);
  const since = Date.now();
  let window: unknown;
  // The server reports the rating window when joining and each time it widens.
  const off = socket.on((m) => {
    if (m.type === 'queue.status') window = m.window;
  });
  try {
    await socket.request({ type: 'queue.join', mode });
    const found = await waitFor(lobby, {
      ready: matched,
      lines: () => [
        `looking for a ${mode} opponent…`,
        `${Math.floor((Date.now() - since) / 1000)} s${typeof window === 'number' ? ` · rating window ±${window}` : ''}`,
        '',
        'q cancels',
      ],
      cancel: async () => void (await socket.request({ type: 'queue.leave' })),
    });
    return found === null ? null : String((found as ServerMessage).matchId);
  } finally {
    off();
  }
}

/** Settings of a match this player creates: the server's defaults, or first to `pointsToWin`. */
const settingsFor = (pointsToWin: number | undefined) =>
  // The server fills in every setting not given.
  pointsToWin === undefined ? {} : { settings: { pointsToWin } as GameSettings };

async function invite(
  lobby: Lobby,
  { username, pointsToWin }: { username: string; pointsToWin?: number },
): Promise<string | null> {
  const { ctx } = lobby;
  const { withSession } = await import('../../session.ts');
  const created = await withSession(ctx, (client) =>
    client.call('games.create', {
      body: { opponent: username, visibility: 'public', ...settingsFor(pointsToWin) },
    }),
  );
  const id = created.data.id;
  let stopped = false;
  const accepted = (async () => {
    for (;;) {
      const match = await withSession(ctx, (client) =>
        client.call('games.get', { params: { id } }),
      );
      if (stopped || match.data.state !== 'pending') return match.data;
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const expires = created.data.inviteExpiresAt
    ? Date.parse(created.data.inviteExpiresAt)
    : undefined;
  const match = await waitFor(lobby, {
    ready: accepted,
    lines: () => [
      `invited ${username}; waiting for them to accept…`,
      expires
        ? `the invite expires in ${Math.max(0, Math.round((expires - Date.now()) / 1000))} s`
        : '',
      '',
      'q withdraws the invite',
    ],
    cancel: async () => {
      stopped = true;
      await withSession(ctx, (client) => client.call('games.decline', { params: { id } })).catch(
        () => undefined,
      );
    },
  });
  if (match === null) return null;
  if (match.state === 'ready' || match.state === 'countdown' || match.state === 'playing')
    return id;
  const { AppError } = await import('../../../api/contract/errors.ts');
  const { unansweredInvite } = await import('./invites.ts');
  throw new AppError('CONFLICT', unansweredInvite(username, match.reason));
}

/** The id of a match to join, or null when the user cancelled. */
export async function findMatch(lobby: Lobby, opponent: Opponent): Promise<string | null> {
  if (opponent.kind === 'queue') return fromQueue(lobby, opponent.mode);
  if (opponent.kind === 'invite') return invite(lobby, opponent);
  if (opponent.kind === 'accept') {
    message(lobby.screen, [`accepting the invite (${opponent.who})…`]);
    return (await import('./invites.ts')).acceptInvite(lobby.ctx, opponent.who);
  }
  if (opponent.kind === 'tournament')
    return (await import('./tournament.ts')).nextTournamentGame(lobby, opponent.id);
  message(lobby.screen, [`starting a match against the ${opponent.level} bot…`]);
  const { withSession } = await import('../../session.ts');
  const created = await withSession(lobby.ctx, (client) =>
    client.call('games.create', {
      body: { bot: opponent.level, visibility: 'public', ...settingsFor(opponent.pointsToWin) },
    }),
  );
  return created.data.id;
}
