/**
 * Where live matches are held, as the games services see it: any instance of
 * the deployment may own a match (api/realtime/cluster routes each call to
 * its owner), so every call is asynchronous and nothing here hands out the
 * runner's objects. `localHost` is the single-process form over this
 * process's runner.
 */
import { AppError } from '../../contract/errors.ts';
import type { EndDecision, LiveState, MatchInspection, MatchSpec } from '../../game/live-match.ts';
import type { Runner } from '../../game/runner.ts';

/** What the services need to know of a live match. */
export interface LiveSummary {
  state: LiveState;
  score: [number, number];
  /** Per side: joined and ready (a bot always is). */
  present: [boolean, boolean];
}

export interface MatchHost {
  /** Starts holding a new match (on the instance where one of its players is connected, when it can). */
  add(spec: MatchSpec): Promise<void>;
  /** The invited player accepted: pending → ready. CONFLICT when the invite is no longer open. */
  accept(matchId: string): Promise<void>;
  /** Ends a live match; resolves once its end is stored or held. NOT_FOUND when it is not live. */
  end(matchId: string, decision: EndDecision): Promise<void>;
  /** Admin view of a live match; NOT_FOUND when it is not live. */
  inspect(matchId: string): Promise<MatchInspection>;
  /** The match's live state, or null when no instance holds it. */
  live(matchId: string): Promise<LiveSummary | null>;
  /** The live state of several matches at once (listings); a second old at most. */
  liveMany(matchIds: readonly string[]): Promise<Map<string, LiveSummary>>;
}

export const notLive = () => new AppError('NOT_FOUND', 'No live match with this id');

export function summaryOf(runner: Runner, matchId: string): LiveSummary | null {
  const match = runner.get(matchId);
  if (!match) return null;
  const present = match.seats.map((s) => s.bot !== null || (s.peer !== null && s.ready));
  return {
    state: match.state,
    score: [match.engine.leftScore, match.engine.rightScore],
    present: present as [boolean, boolean],
  };
}

/** This process's runner holds every match (no Redis: one instance). */
export function localHost(runner: Runner): MatchHost {
  const held = (matchId: string) => {
    if (!runner.get(matchId)) throw notLive();
  };
  return {
    add: async (spec) => runner.add(spec),
    accept: async (matchId) => runner.accept(matchId),
    end: async (matchId, decision) => {
      held(matchId);
      await runner.end(matchId, decision);
    },
    inspect: async (matchId) => runner.inspect(matchId),
    live: async (matchId) => summaryOf(runner, matchId),
    liveMany: async (matchIds) => {
      const found = new Map<string, LiveSummary>();
      for (const id of matchIds) {
        const summary = summaryOf(runner, id);
        if (summary) found.set(id, summary);
      }
      return found;
    },
  };
}
