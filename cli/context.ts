/**
 * Resolves what every command needs from global flags, the environment
 * (PONGCTL_*) and the active profile, in that order of precedence. The CLI's
 * only reader of process.env.
 */
import { serviceConnection, type ServiceConnection } from './connections.ts';
import { Io, type OutputFormat } from './io.ts';
import { configPath, readProfiles, type Profile } from './profiles.ts';

export interface GlobalOptions {
  api?: string;
  profile?: string;
  output?: OutputFormat;
  color: boolean;
  input: boolean;
  quiet?: boolean;
  verbose?: boolean;
  /** Elasticsearch / Kibana connection flags of `logs` and `kibana` (secrets only from env or stdin). */
  esUrl?: string;
  esUser?: string;
  esCa?: string;
  esPasswordStdin?: boolean;
  kibanaUrl?: string;
  kibanaUser?: string;
  kibanaCa?: string;
  kibanaPasswordStdin?: boolean;
}

export interface CliContext {
  io: Io;
  env: Record<string, string | undefined>;
  configFile: string;
  profileName: string;
  profile: Profile;
  apiUrl: string;
  /** PONGCTL_TOKEN wins over the profile's token, for CI. */
  token: string | undefined;
  elasticsearch: ServiceConnection;
  /** Falls back to the Elasticsearch credentials (Kibana accepts Elasticsearch API keys). */
  kibana: ServiceConnection;
}

export const defaultApi = 'http://127.0.0.1:3000';

export interface ProcessLike {
  env: Record<string, string | undefined>;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: { isTTY?: boolean };
}

export function resolveContext(opts: GlobalOptions, proc: ProcessLike): CliContext {
  const env = proc.env;
  const configFile = configPath(env);
  const profiles = readProfiles(configFile);
  const profileName = opts.profile ?? env.PONGCTL_PROFILE ?? profiles.currentProfile;
  const profile = profiles.profiles[profileName] ?? {};
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const io = new Io({
    stdout: proc.stdout,
    stderr: proc.stderr,
    stdinIsTTY: Boolean(proc.stdin.isTTY),
    format: opts.output ?? profile.output,
    color: opts.color && !noColor && Boolean(proc.stderr.isTTY) && env.TERM !== 'dumb',
    interactive: opts.input && env.PONGCTL_NO_INPUT === undefined,
    quiet: Boolean(opts.quiet),
    verbose: Boolean(opts.verbose),
    width: proc.stdout.columns || Math.max(0, Math.floor(Number(env.COLUMNS))) || undefined,
  });
  const apiUrl = (opts.api ?? env.PONGCTL_API ?? profile.api ?? defaultApi).replace(/\/+$/, '');
  const token = env.PONGCTL_TOKEN || profile.accessToken;
  const elasticsearch = serviceConnection(
    { url: opts.esUrl, user: opts.esUser, ca: opts.esCa, passwordStdin: opts.esPasswordStdin },
    env,
    { prefix: 'PONGCTL_ES', profile: profile.elasticsearch },
  );
  const ownKibana = serviceConnection(
    {
      url: opts.kibanaUrl,
      user: opts.kibanaUser,
      ca: opts.kibanaCa,
      passwordStdin: opts.kibanaPasswordStdin,
    },
    env,
    { prefix: 'PONGCTL_KIBANA', profile: profile.kibana },
  );
  const kibana =
    ownKibana.apiKey || ownKibana.username
      ? ownKibana
      : { ...elasticsearch, url: ownKibana.url, caFile: ownKibana.caFile ?? elasticsearch.caFile };
  return { io, env, configFile, profileName, profile, apiUrl, token, elasticsearch, kibana };
}
