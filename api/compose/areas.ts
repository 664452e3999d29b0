/**
 * The areas of a server, started in the order their dependencies need:
 * accounts, the realtime layer, social (presence, notifications), chat,
 * games, stats, the leases, tournaments and matchmaking. Each part that needs
 * closing is put in `parts` as soon as it has started.
 */
import type { NotificationType } from '../contract/notifications.ts';
import { openLeaseBackend } from '../core/lease.ts';
import { createAnalyticsDeps, type AnalyticsDeps } from '../domain/analytics/deps.ts';
import { authenticateBearer } from '../domain/accounts/authenticate.ts';
import { ensureBootstrapAdmin } from '../domain/accounts/bootstrap.ts';
import { createAccountsDeps, type AccountsDeps } from '../domain/accounts/deps.ts';
import { createChatDeps, type ChatDeps } from '../domain/chat/deps.ts';
import type { ImportDeps } from '../domain/imports/service.ts';
import { notify } from '../domain/notifications/service.ts';
import { createSocialDeps, type SocialDeps } from '../domain/social/deps.ts';
import type { DigestDeps } from '../domain/stats/digest.ts';
import { withQueueWaits, type QueueWaitDeps } from '../domain/stats/queue-waits.ts';
import { startTournaments, type Tournaments } from '../domain/tournaments/runtime.ts';
import { registerChatRealtime } from '../realtime/chat.ts';
import type { AuthenticateToken } from '../realtime/gateway.ts';
import { startMatchmaking, type Matchmaking } from '../realtime/matchmaking.ts';
import { followPresence } from '../realtime/presence-feed.ts';
import { followRevocations, patSessionId } from '../realtime/revocation.ts';
import { startRealtime, type Realtime } from '../realtime/start.ts';
import type { Base } from './base.ts';
import { startGames, type Games } from './games.ts';
import type { Parts } from './parts.ts';

export interface AreaOptions {
  jwtSecret: string;
  /** Overrides how WebSocket upgrades verify access tokens (the default is the accounts credential check). */
  authenticateToken?: AuthenticateToken;
  validateResponses?: boolean;
  /** Where the first start prints the generated admin password. */
  stderr?: { write(text: string): unknown };
}

/** Leaderboards, player and platform stats, the digest, the imports and the recorded queue waits. */
export type StatsAreaDeps = DigestDeps & ImportDeps & QueueWaitDeps;

export interface Areas {
  accounts: AccountsDeps;
  realtime: Realtime;
  social: SocialDeps;
  chat: ChatDeps;
  games: Games;
  stats: StatsAreaDeps;
  analytics: AnalyticsDeps;
  tournaments: Tournaments;
  matchmaking: Matchmaking;
}

/** Stores and pushes a notification: the one way areas notify a user (api/domain/notifications). */
type NotifyUser = (
  userId: string,
  type: NotificationType,
  payload: Record<string, unknown>,
) => Promise<void>;

export async function startAreas(
  base: Base,
  options: AreaOptions,
  parts: Partial<Parts>,
): Promise<Areas> {
  const { config, db, clock, logs, metrics, redis } = base;
  const accounts = (parts.accounts = await startAccounts(base, options));
  const realtime = (parts.realtime = await startRealtime({
    config,
    logger: base.logger,
    metrics: metrics.ws,
    redis,
    authenticateToken: options.authenticateToken ?? bearerIdentity(accounts),
    validateOutgoing: options.validateResponses,
  }));
  const social = (parts.social = await startSocial(base, realtime));
  const notifyUser: NotifyUser = async (userId, type, payload) =>
    void (await notify(social.notifications, userId, type, payload));
  const chat = startChat(base, { accounts, realtime, social, notifyUser });
  const games = (parts.games = await startGames({
    db,
    config,
    clock,
    logger: logs.game,
    auditLogger: logs.audit,
    gateway: realtime.gateway,
    wsMetrics: metrics.ws,
    gameMetrics: metrics.game,
    resultMetrics: metrics.results,
    notify: notifyUser,
    setInGame: (userId, matchId) => social.presence.setInGame(userId, matchId),
    redis,
    bus: realtime.bus,
    clusterMetrics: metrics.cluster,
  }));
  const stats: StatsAreaDeps = {
    db,
    clock,
    logger: logs.app,
    auditLogger: logs.audit,
    notify: (userId, payload) => notifyUser(userId, 'system', payload),
    sendMail: config.auth.smtpUrl ? (mail) => accounts.mailer.send(mail) : undefined,
  };
  const leases = (parts.leases = await openLeaseBackend({
    redis,
    database: base.dbOptions,
    instanceId: config.instance.id,
  }));
  const tournaments = (parts.tournaments = startTournaments({
    lease: { backend: leases.backend, ttlMs: config.instance.leaseTtlMs },
    db,
    clock,
    logger: logs.game,
    auditLogger: logs.audit,
    config: config.tournaments,
    games: games.deps,
    metrics: metrics.tournaments,
    notify: notifyUser,
  }));
  const matchmaking = (parts.matchmaking = await startMatchmaking({
    db,
    clock,
    logger: logs.game,
    config: config.matchmaking,
    gateway: realtime.gateway,
    games: games.deps,
    presence: social.presence,
    metrics: withQueueWaits(metrics.matchmaking, stats),
    redis,
    instance: config.instance,
  }));
  followRevocations(accounts.credentials, realtime.gateway, base.logger);
  const analytics = createAnalyticsDeps({ db, clock });
  return { accounts, realtime, social, chat, games, stats, analytics, tournaments, matchmaking };
}

/** The identity layer, with the first admin created on the first start. */
async function startAccounts(base: Base, options: AreaOptions): Promise<AccountsDeps> {
  const { config } = base;
  const accounts = await createAccountsDeps({
    db: base.db,
    logger: base.logs.app,
    auditLogger: base.logs.audit,
    clock: base.clock,
    auth: config.auth,
    dataDir: config.dataDir,
    jwtSecret: options.jwtSecret,
    redis: base.redis,
    metrics: base.metrics.auth,
  });
  // Test runs keep their output clean; the password is still in PONG_DATA_DIR/initial-admin-password.
  await ensureBootstrapAdmin(
    accounts,
    options.stderr ?? (config.nodeEnv === 'test' ? { write: () => true } : process.stderr),
  );
  return accounts;
}

/** A WebSocket upgrade's token checked as HTTP checks a bearer token. */
function bearerIdentity(accounts: AccountsDeps): AuthenticateToken {
  return async (token) => {
    const { user, sessionId, tokenId } = await authenticateBearer(accounts, token);
    return { userId: user.id, role: user.role, sessionId: sessionId ?? patSessionId(tokenId!) };
  };
}

/** Friends, blocks, notifications, and presence fed by the gateway's sockets. */
async function startSocial(base: Base, realtime: Realtime): Promise<SocialDeps> {
  const social = await createSocialDeps({
    db: base.db,
    clock: base.clock,
    logger: base.logs.app,
    auditLogger: base.logs.audit,
    push: realtime.gateway,
    redis: base.redis,
    instanceId: base.config.instance.id,
  });
  followPresence(realtime.gateway, social.presence);
  return social;
}

/** Conversations and messages, delivered over the gateway. */
function startChat(
  base: Base,
  areas: { accounts: AccountsDeps; realtime: Realtime; social: SocialDeps; notifyUser: NotifyUser },
): ChatDeps {
  const chat = createChatDeps({
    db: base.db,
    clock: base.clock,
    logger: base.logs.app,
    auditLogger: base.logs.audit,
    config: base.config.chat,
    counters: areas.accounts.counters,
    delivery: areas.realtime.gateway,
    isOnline: areas.social.presence.isOnline,
    notify: areas.notifyUser,
  });
  registerChatRealtime(areas.realtime.gateway, chat);
  return chat;
}
