/**
 * The API's public face as data: every endpoint of every area, in one table.
 * Areas add their tables here.
 */
import { realtimeEndpoints } from './realtime-endpoints.ts';
import { accountEndpoints } from './accounts.ts';
import { analyticsEndpoints } from './analytics.ts';
import { adminUserEndpoints } from './admin-users.ts';
import { auditEndpoints } from './audit.ts';
import { chatEndpoints } from './chat.ts';
import { gameEndpoints } from './games.ts';
import { instanceEndpoints } from './instances.ts';
import { mailEndpoints } from './mail.ts';
import { matchmakingEndpoints } from './matchmaking.ts';
import { leaderboardEndpoints } from './leaderboards.ts';
import { notificationEndpoints } from './notifications.ts';
import { pageEndpoints } from './pages.ts';
import { socialEndpoints } from './social.ts';
import { statsEndpoints } from './stats.ts';
import { systemEndpoints } from './system.ts';
import { tournamentEndpoints } from './tournaments.ts';
import { userEndpoints } from './users.ts';

export const endpoints = {
  ...systemEndpoints,
  ...accountEndpoints,
  ...userEndpoints,
  ...adminUserEndpoints,
  ...auditEndpoints,
  ...mailEndpoints,
  ...realtimeEndpoints,
  ...socialEndpoints,
  ...notificationEndpoints,
  ...chatEndpoints,
  ...gameEndpoints,
  ...instanceEndpoints,
  ...matchmakingEndpoints,
  ...tournamentEndpoints,
  ...leaderboardEndpoints,
  ...statsEndpoints,
  ...analyticsEndpoints,
  ...pageEndpoints,
};

export type Endpoints = typeof endpoints;
export type EndpointId = keyof Endpoints;

/** Version of the API contract; bumped on breaking changes. */
export const apiVersion = '1.0.0';
