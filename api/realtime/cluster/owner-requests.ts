/**
 * The owner's side of the relay: requests other instances send about matches
 * this instance owns, for the games services (add, accept, end, inspect), for
 * their sockets as remote peers (join, ready, input, leave, spectate,
 * unwatch, detach), and the adoption of a match in a hand-over.
 */
import { AppError } from '../../contract/errors.ts';
import { notLive } from '../../domain/games/host.ts';
import type { PeerRef } from '../../game/checkpoint.ts';
import type { EndDecision, MatchSpec } from '../../game/live-match.ts';
import type { InputMessage, Runner } from '../../game/runner.ts';
import type { RemotePeers } from './remote-peers.ts';

export interface OwnerSide {
  runner: Runner;
  peers: RemotePeers;
  addHere(spec: MatchSpec): Promise<void>;
  adopt(matchId: string, reason: 'lease_expired' | 'handover'): Promise<boolean>;
}

export async function serveRelayed(
  owner: OwnerSide,
  op: string,
  args: unknown[],
): Promise<unknown> {
  const { runner, peers } = owner;
  const peer = () => peers.peerOf(args[0] as PeerRef)!;
  switch (op) {
    case 'add':
      return owner.addHere(args[0] as MatchSpec);
    case 'accept':
      return mine(runner, args[0] as string, () => runner.accept(args[0] as string));
    case 'end':
      return mine(runner, args[0] as string, () =>
        runner.end(args[0] as string, args[1] as EndDecision),
      );
    case 'inspect':
      return mine(runner, args[0] as string, () => runner.inspect(args[0] as string));
    case 'join':
      return mine(runner, args[1] as string, () => runner.join(peer(), args[1] as string));
    case 'ready':
      return mine(runner, args[1] as string, () => runner.ready(peer(), args[1] as string));
    case 'input': {
      const message = args[1] as InputMessage;
      return mine(runner, message.matchId, () => {
        runner.input(peer(), message);
      });
    }
    case 'leave':
      return mine(runner, args[1] as string, () => runner.leave(peer(), args[1] as string));
    case 'spectate':
      return mine(runner, args[1] as string, () => runner.spectate(peer(), args[1] as string));
    case 'unwatch': {
      const known = peers.known(args[0] as PeerRef);
      if (known) runner.stopSpectating(known);
      return null;
    }
    case 'detach': {
      const known = peers.known(args[0] as PeerRef);
      if (known) {
        runner.detach(known);
        peers.forget(known);
      }
      return null;
    }
    case 'adopt':
      return owner.adopt(args[0] as string, args[1] as 'lease_expired' | 'handover');
    default:
      throw new AppError('VALIDATION', `Unknown relay operation ${op}`);
  }
}

/** A request served here only while the match is ours; NOT_FOUND tells the asker it moved. */
async function mine<T>(runner: Runner, matchId: string, run: () => T | Promise<T>): Promise<T> {
  if (!runner.get(matchId)) throw notLive();
  return run();
}
