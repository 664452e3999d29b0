/** The Koa app of a server, on the started areas (api/http/app.ts). */
import { engineOf } from '../core/db.ts';
import { version } from '../core/version.ts';
import { createApp } from '../http/app.ts';
import { createAuthenticate } from '../http/auth.ts';
import type { Areas } from './areas.ts';
import type { Base } from './base.ts';

export function createAppFor(base: Base, areas: Areas, validateResponses?: boolean) {
  const { accounts, games, matchmaking, social, tournaments } = areas;
  return createApp({
    config: base.config,
    db: base.db,
    logger: base.logger,
    logs: base.logs,
    metrics: base.metrics,
    version,
    engine: engineOf(base.config),
    clock: base.clock,
    accounts,
    chat: areas.chat,
    social,
    notifications: social.notifications,
    games: games.deps,
    matchmaking: matchmaking.deps,
    stats: areas.stats,
    analytics: areas.analytics,
    tournaments: tournaments.deps,
    authenticate: createAuthenticate(accounts),
    validateResponses,
  });
}
