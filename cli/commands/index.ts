/**
 * The command table: every top-level command with its one-line summary and
 * the module that registers it. `main.ts` loads only the module of the command
 * being run; the others appear in `--help` from this table, so `pongctl --help`
 * imports no command module at all. A test keeps these summaries equal to the
 * descriptions the modules register.
 */
import type { Command } from 'commander';
import type { CommandRunner } from '../command-runner.ts';

export interface CommandSummary {
  /** Name as typed, followed by its arguments, as commander's `.command()` takes it. */
  command: string;
  summary: string;
  aliases?: readonly string[];
}

export interface CommandModule {
  commands: readonly CommandSummary[];
  load(): Promise<(program: Command, run: CommandRunner) => void>;
}

export const commandModules: readonly CommandModule[] = [
  {
    commands: [
      {
        command: 'serve',
        summary: 'run the API server (embedded database unless DATABASE_URL is set)',
      },
    ],
    load: async () => (await import('./serve.ts')).registerServe,
  },
  {
    commands: [
      {
        command: 'db',
        summary: 'manage the database schema (DATABASE_URL, or the embedded database)',
      },
    ],
    load: async () => (await import('./db.ts')).registerDb,
  },
  {
    commands: [{ command: 'status', summary: "show the API's readiness, version and database" }],
    load: async () => (await import('./status.ts')).registerStatus,
  },
  {
    commands: [{ command: 'version', summary: 'print the CLI, Node.js and API versions' }],
    load: async () => (await import('./version.ts')).registerVersion,
  },
  {
    commands: [{ command: 'config', summary: 'read and change CLI profiles' }],
    load: async () => (await import('./config.ts')).registerConfig,
  },
  {
    commands: [
      { command: 'login', summary: 'sign in and store the session in the active profile' },
      { command: 'logout', summary: 'end the session of the active profile' },
      { command: 'whoami', summary: 'show the signed-in user' },
    ],
    load: async () => (await import('./login.ts')).registerLogin,
  },
  {
    commands: [{ command: 'register', summary: 'create a player account and sign in with it' }],
    load: async () => (await import('./register.ts')).registerRegister,
  },
  {
    commands: [{ command: 'password', summary: 'change your password, or reset a forgotten one' }],
    load: async () => (await import('./password.ts')).registerPassword,
  },
  {
    commands: [
      {
        command: 'friends',
        summary: 'your friends and friend requests: list, add, accept, decline, remove',
      },
    ],
    load: async () => (await import('./friends.ts')).registerFriends,
  },
  {
    commands: [
      {
        command: 'notifications',
        summary: 'your notifications: invites, friend requests, tournament calls; mark them read',
      },
    ],
    load: async () => (await import('./notifications.ts')).registerNotifications,
  },
  {
    commands: [
      {
        command: 'mail',
        summary: 'account mail waiting in the outbox, for deployments without SMTP (admin)',
      },
    ],
    load: async () => (await import('./mail.ts')).registerMail,
  },
  {
    commands: [
      {
        command: 'users',
        summary: 'manage users (moderator: list, show, ban, unban; admin: everything)',
      },
    ],
    load: async () => (await import('./users.ts')).registerUsers,
  },
  {
    commands: [{ command: 'tokens', summary: 'personal access tokens for scripts and CI' }],
    load: async () => (await import('./tokens.ts')).registerTokens,
  },
  {
    commands: [{ command: 'audit', summary: 'the admin audit log (admin)' }],
    load: async () => (await import('./audit.ts')).registerAudit,
  },
  {
    commands: [
      {
        command: 'chat',
        summary: 'chat moderation: purge a user’s messages, follow a channel live',
      },
    ],
    load: async () => (await import('./chat.ts')).registerChat,
  },
  {
    commands: [
      {
        command: 'instances',
        summary: 'list the live API instances with their matches, sockets and lease age (admin)',
      },
    ],
    load: async () => (await import('./instances.ts')).registerInstances,
  },
  {
    commands: [
      {
        command: 'presence',
        summary: 'who is online (and in a game) across every API instance, with counts (admin)',
      },
    ],
    load: async () => (await import('./presence.ts')).registerPresence,
  },
  {
    commands: [{ command: 'notify', summary: 'notifications to users (admin)' }],
    load: async () => (await import('./notify.ts')).registerNotify,
  },
  {
    commands: [
      {
        command: 'games',
        summary: 'matches: list yours (admin: every one), show one, abort a running one (admin)',
      },
    ],
    load: async () => (await import('./games.ts')).registerGames,
  },
  {
    commands: [
      {
        command: 'tournaments',
        summary:
          'tournaments: list, show the bracket, create, register and withdraw, and run them (creator or admin)',
        aliases: ['tournament'],
      },
    ],
    load: async () => (await import('./tournaments/index.ts')).registerTournaments,
  },
  {
    commands: [
      {
        command: 'play',
        summary:
          'play Pong in the terminal: against the bot (default: --bot normal), from the matchmaking queue, a user you invite or whose invite you accept, or your next tournament match; rejoins your live match first',
      },
    ],
    load: async () => (await import('./play.ts')).registerPlay,
  },
  {
    commands: [
      {
        command: 'invites',
        summary: 'match invites you received and sent: list them, decline one',
      },
    ],
    load: async () => (await import('./invites.ts')).registerInvites,
  },
  {
    commands: [
      {
        command: 'spectate [matchId]',
        summary:
          'watch a live match full-screen in the terminal (no argument: choose from the live matches); q quits',
      },
    ],
    load: async () => (await import('./spectate.ts')).registerSpectate,
  },
  {
    commands: [
      {
        command: 'replay <matchId>',
        summary:
          'watch an ended match in the terminal, re-simulated by the server from its input log; q quits',
      },
    ],
    load: async () => (await import('./replay.ts')).registerReplay,
  },
  {
    commands: [
      {
        command: 'leaderboard [board]',
        summary: 'the rating board, or wins this week/month/all time',
      },
    ],
    load: async () => (await import('./leaderboard.ts')).registerLeaderboard,
  },
  {
    commands: [
      {
        command: 'stats',
        summary: 'player, match and platform statistics, with charts on a terminal',
      },
    ],
    load: async () => (await import('./stats/index.ts')).registerStats,
  },
  {
    commands: [
      {
        command: 'simulate',
        summary:
          'generate users, friendships, chats, tournaments and ranked matches through the API (admin); the same seed gives the same data',
      },
    ],
    load: async () => (await import('./simulate/index.ts')).registerSimulate,
  },
  {
    commands: [{ command: 'digest', summary: 'stats digests for players who opted in (admin)' }],
    load: async () => (await import('./digest.ts')).registerDigest,
  },
  {
    commands: [
      {
        command: 'alerts',
        summary:
          'Prometheus alert rules and Alertmanager: list, lint, test, add, diff, apply, silence',
      },
    ],
    load: async () => (await import('./alerts/index.ts')).registerAlerts,
  },
  {
    commands: [
      {
        command: 'grafana',
        summary: 'Grafana dashboards and data sources as code: render, lint, diff, apply, export',
      },
    ],
    load: async () => (await import('./grafana/index.ts')).registerGrafana,
  },
  {
    commands: [
      {
        command: 'nginx',
        summary: 'nginx in front of several API instances: render its configuration',
      },
    ],
    load: async () => (await import('./nginx.ts')).registerNginx,
  },
  {
    commands: [{ command: 'secrets', summary: 'secrets of the compose stack' }],
    load: async () => (await import('./secrets.ts')).registerSecrets,
  },
  {
    commands: [
      {
        command: 'logs',
        summary: 'search, retain, archive and secure the platform logs in Elasticsearch',
      },
    ],
    load: async () => (await import('./logs.ts')).registerLogs,
  },
  {
    commands: [
      {
        command: 'kibana',
        summary: 'provision Kibana data views, saved searches and dashboards for the logs',
      },
    ],
    load: async () => (await import('./kibana.ts')).registerKibana,
  },
];
