/** The tags that group the API's operations, with what each covers (OpenAPI `tags`). */
export const tagDescriptions = {
  system: 'Health, readiness, metrics and the machine-readable API documents',
  auth: 'Accounts and sessions: register, sign in (with 2FA), refresh, sign out, password reset',
  profile: 'The signed-in user: profile, password, avatar, two-factor authentication, digest',
  tokens: 'Personal access tokens for scripts and CI',
  users: 'Looking up other users: search, public profiles, avatars',
  friends: 'Friend requests and the friend list (with presence)',
  blocks: 'Blocking users: no requests, messages or invites either way',
  notifications: 'Stored notifications (friend requests, invites, system messages), read state',
  chat: 'Direct conversations, public channels, messages and read receipts',
  games: 'Matches: invites, the bot, live and ended matches, history, replays',
  matchmaking: 'The matchmaking queue (ranked and casual)',
  tournaments: 'Single-elimination and round-robin tournaments',
  leaderboards: 'Rating and wins boards, and the neighbourhood of one player',
  stats: 'Per-user statistics, rating history and head-to-head records',
  analytics: 'Client analytics events and their daily counts',
  admin: 'Administration and moderation (moderator or admin role; audited)',
} as const;

export type Tag = keyof typeof tagDescriptions;
