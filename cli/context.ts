/**
 * Resolves what every command needs from global flags, the environment
 * (PONGCTL_*) and the active profile, in that order of precedence. The CLI's
 * only reader of process.env.
 */
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
  });
  const apiUrl = (opts.api ?? env.PONGCTL_API ?? profile.api ?? defaultApi).replace(/\/+$/, '');
  const token = env.PONGCTL_TOKEN || profile.accessToken;
  return { io, env, configFile, profileName, profile, apiUrl, token };
}
