/**
 * What every command's `--help` adds to commander's: examples after the
 * options (from the table below; a group shows its verbs' first examples),
 * and "(required)" on required options. `main.ts` applies it to the commands
 * it registers; test/unit/cli-help.test.ts checks that every command has an example.
 */
import type { Command, Help, Option } from 'commander';

/** Examples by command path (`users ban`); each line is run as written. */
export const helpExamples: Readonly<Record<string, readonly string[]>> = {
  '': ['pongctl login --username admin', 'pongctl users list --role admin -o json'],
  serve: ['pongctl serve', 'DATABASE_URL=postgres://pong@db/pong pongctl serve'],
  'db migrate': ['pongctl db migrate'],
  'db rollback': ['pongctl db rollback'],
  'db status': ['pongctl db status -o json'],
  status: ['pongctl status', 'pongctl status --api https://pong.example -o json'],
  version: ['pongctl version -o json'],
  'config get': ['pongctl config get api'],
  'config set': ['pongctl config set api https://pong.example'],
  'config list': ['pongctl config list -o json'],
  'config use-profile': ['pongctl config use-profile staging'],
  login: [
    'pongctl login',
    'printf %s "$PASSWORD" | pongctl login --username admin --password-stdin',
  ],
  logout: ['pongctl logout'],
  whoami: ['pongctl whoami -o json'],
  'users list': [
    'pongctl users list --role moderator',
    'pongctl users list --all -o csv > users.csv',
  ],
  'users show': ['pongctl users show alice'],
  'users create': [
    'pongctl users create --username carol --email carol@example.org --role moderator',
  ],
  'users set-role': ['pongctl users set-role carol moderator'],
  'users ban': ['pongctl users ban mallory --reason "cheating" --for 7d'],
  'users unban': ['pongctl users unban mallory'],
  'users reset-password': ['pongctl users reset-password alice'],
  'users delete': ['pongctl users delete mallory --yes'],
  'tokens create': ['pongctl tokens create ci-deploy --expires-in-days 90 > token.txt'],
  'tokens list': ['pongctl tokens list'],
  'tokens revoke': ['pongctl tokens revoke 3f2a…'],
  'audit list': ['pongctl audit list --since 24h', 'pongctl audit list --action user.ban --all'],
  'chat purge': ['pongctl chat purge mallory --yes'],
  'chat tail': ['pongctl chat tail'],
  presence: ['pongctl presence', 'pongctl presence --all -o json'],
  instances: ['pongctl instances', 'pongctl instances -o json'],
  'notify broadcast': ['pongctl notify broadcast "Maintenance" "The API restarts at 22:00 UTC"'],
  'games list': ['pongctl games list --live', 'pongctl games list --state finished --limit 50'],
  'games show': ['pongctl games show <matchId>'],
  'games abort': ['pongctl games abort <matchId> --reason "stuck" --yes'],
  'tournaments list': ['pongctl tournaments list --state running'],
  'tournaments show': ['pongctl tournaments show <id>', 'pongctl tournaments show <id> -o csv'],
  'tournaments create': [
    'pongctl tournaments create',
    'pongctl tournaments create --name "Winter Cup" --capacity 8 --format single_elimination',
  ],
  'tournaments start': ['pongctl tournaments start <id>'],
  'tournaments pause': ['pongctl tournaments pause <id>'],
  'tournaments resume': ['pongctl tournaments resume <id>'],
  'tournaments cancel': ['pongctl tournaments cancel <id> --yes'],
  'tournaments kick': ['pongctl tournaments kick <id> mallory --yes'],
  'tournaments result': [
    'pongctl tournaments result <id> <matchId> --winner alice --reason "bob left" --yes',
  ],
  play: [
    'pongctl play',
    'pongctl play --bot hard',
    'pongctl play --ranked',
    'pongctl play --invite bob',
    'pongctl play --accept alice',
    'pongctl play --tournament <id>',
    'pongctl play --resume',
  ],
  invites: ['pongctl invites', 'pongctl invites -o json'],
  'invites list': ['pongctl invites list -o json'],
  'invites decline': ['pongctl invites decline alice'],
  'tournaments register': ['pongctl tournaments register <id> --alias Maverick'],
  'tournaments withdraw': ['pongctl tournaments withdraw <id>'],
  register: [
    'pongctl register',
    'printf \'%s\\n\' "$PASSWORD" | pongctl register -u alice --email alice@example.com --password-stdin',
  ],
  'password change': [
    'pongctl password change',
    'printf \'%s\\n%s\\n\' "$OLD" "$NEW" | pongctl password change --password-stdin',
  ],
  'password reset request': ['pongctl password reset request --email alice@example.com'],
  'password reset confirm': ["pongctl password reset confirm --token '<link or token>'"],
  'mail list': ['pongctl mail list', 'pongctl mail list --to alice@example.com -o json'],
  notifications: ['pongctl notifications', 'pongctl notifications --unread -o json'],
  'notifications list': ['pongctl notifications list --unread'],
  'notifications read': ['pongctl notifications read 41 42', 'pongctl notifications read --all'],
  friends: ['pongctl friends', 'pongctl friends list --state incoming -o json'],
  'friends list': ['pongctl friends list --state incoming -o json'],
  'friends add': ['pongctl friends add alice'],
  'friends accept': ['pongctl friends accept alice'],
  'friends decline': ['pongctl friends decline alice'],
  'friends remove': ['pongctl friends remove alice'],
  'nginx render': [
    'pongctl nginx render --upstream 127.0.0.1:3001 --upstream 127.0.0.1:3002 --out nginx.conf',
  ],
  spectate: ['pongctl spectate', 'pongctl spectate --user alice'],
  replay: ['pongctl replay <matchId> --speed 2'],
  leaderboard: ['pongctl leaderboard', 'pongctl leaderboard wins --period month --limit 10'],
  'stats user': ['pongctl stats user alice'],
  'stats match': ['pongctl stats match <matchId>'],
  'stats platform': ['pongctl stats platform -o json'],
  simulate: [
    'pongctl simulate --users 50 --matches 500 --prefix demo',
    'pongctl simulate --dry-run',
  ],
  'digest weekly': ['pongctl digest weekly --dry-run'],
  'alerts list': ['pongctl alerts list'],
  'alerts lint': ['pongctl alerts lint'],
  'alerts test': ['pongctl alerts test'],
  'alerts add': ['pongctl alerts add', 'pongctl alerts add --dry-run'],
  'alerts diff': ['pongctl alerts diff'],
  'alerts apply': ['pongctl alerts apply --dry-run', 'pongctl alerts apply'],
  'alerts render': ['pongctl alerts render --out alertmanager.yml'],
  'alerts silence create': [
    'pongctl alerts silence create --matcher alertname=GameTickLate --duration 2h --comment "load test"',
  ],
  'alerts silence list': ['pongctl alerts silence list --all'],
  'alerts silence expire': ['pongctl alerts silence expire <silenceId>'],
  'grafana render': ['pongctl grafana render --out dashboards/'],
  'grafana lint': ['pongctl grafana lint'],
  'grafana diff': ['pongctl grafana diff --url http://127.0.0.1:3001'],
  'grafana apply': ['pongctl grafana apply --url http://127.0.0.1:3001 --dry-run'],
  'grafana export': ['pongctl grafana export <uid>'],
  'grafana token create': [
    'printf %s "$GF_ADMIN_PASSWORD" | pongctl grafana token create --password-stdin',
  ],
  'secrets init': ['pongctl secrets init'],
  'logs retention show': ['pongctl logs retention show'],
  'logs retention diff': ['pongctl logs retention diff --es-url https://127.0.0.1:9200'],
  'logs retention apply': ['pongctl logs retention apply --dry-run'],
  'logs retention status': ['pongctl logs retention status'],
  'logs retention render': ['pongctl logs retention render'],
  'logs retention lint': ['pongctl logs retention lint'],
  'logs archive list': ['pongctl logs archive list'],
  'logs archive run': ['pongctl logs archive run'],
  'logs archive restore': ['pongctl logs archive restore <snapshot>'],
  'logs search': ['pongctl logs search "login failed" --since 1h'],
  'logs setup-security': ['pongctl logs setup-security'],
  'kibana render': ['pongctl kibana render'],
  'kibana lint': ['pongctl kibana lint'],
  'kibana diff': ['pongctl kibana diff --kibana-url http://127.0.0.1:5601'],
  'kibana apply': ['pongctl kibana apply --dry-run'],
};

/** The path of a command under the program: `users ban`; '' for the program itself. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** A command's own examples, or for a group the first example of each of its verbs. */
export function examplesOf(command: Command): string[] {
  const own = helpExamples[commandPath(command)];
  if (own) return [...own];
  return command.commands.flatMap((sub) => examplesOf(sub).slice(0, 1));
}

function examplesText(command: Command): string {
  const lines = examplesOf(command);
  return lines.length ? `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}` : '';
}

/** Marks required options, and adds the examples to this command's help and all its subcommands'. */
export function decorateHelp(command: Command): void {
  command.configureHelp({
    optionDescription(this: Help, option: Option) {
      const base = Object.getPrototypeOf(this).optionDescription.call(this, option) as string;
      return option.mandatory ? `${base} (required)` : base;
    },
  });
  command.addHelpText('after', () => examplesText(command));
  for (const sub of command.commands) decorateHelp(sub);
}
