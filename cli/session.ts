/**
 * The signed-in session of the active profile: an API client with its access
 * token, refreshed (and the profile rewritten) when it is about to expire or
 * the API says it has. PONGCTL_TOKEN, when set, is used as is and never refreshed.
 */
import { AppError } from '../api/contract/errors.ts';
import type { ApiClient } from './client.ts';
import type { CliContext } from './context.ts';
import type { Profile } from './profiles.ts';

/** Refresh this long before the access token's expiry, so a slow call does not race it. */
const refreshMarginMs = 30_000;

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { username: string };
}

/** Writes `patch` into the active profile (undefined removes a key). */
export async function updateProfile(ctx: CliContext, patch: Partial<Profile>): Promise<Profile> {
  const { readProfiles, writeProfiles } = await import('./profiles.ts');
  const file = readProfiles(ctx.configFile);
  const next = { ...file.profiles[ctx.profileName], ...patch };
  for (const key of Object.keys(next) as (keyof Profile)[])
    if (next[key] === undefined) delete next[key];
  writeProfiles(ctx.configFile, {
    ...file,
    profiles: { ...file.profiles, [ctx.profileName]: next },
  });
  ctx.profile = next;
  return next;
}

export function saveSession(ctx: CliContext, tokens: SessionTokens): Promise<Profile> {
  return updateProfile(ctx, {
    api: ctx.apiUrl,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    accessTokenExpiresAt: new Date(Date.now() + tokens.expiresIn * 1000).toISOString(),
    username: tokens.user.username,
  });
}

export function clearSession(ctx: CliContext): Promise<Profile> {
  return updateProfile(ctx, {
    accessToken: undefined,
    refreshToken: undefined,
    accessTokenExpiresAt: undefined,
  });
}

const fromEnv = (ctx: CliContext) => Boolean(ctx.env.PONGCTL_TOKEN);

async function refresh(ctx: CliContext): Promise<string> {
  const { ApiClient } = await import('./client.ts');
  const refreshToken = ctx.profile.refreshToken;
  if (!refreshToken)
    throw new AppError('UNAUTHENTICATED', 'The session has expired; run `pongctl login`');
  try {
    const result = await new ApiClient({ baseUrl: ctx.apiUrl }).call('auth.refresh', {
      body: { refreshToken },
    });
    await saveSession(ctx, result.data);
    ctx.io.debug('access token refreshed');
    return result.data.accessToken;
  } catch (err) {
    if (err instanceof AppError && err.code === 'UNAUTHENTICATED') {
      await clearSession(ctx);
      throw new AppError('UNAUTHENTICATED', 'The session has ended; run `pongctl login`');
    }
    throw err;
  }
}

function expiring(profile: Profile): boolean {
  const at = profile.accessTokenExpiresAt ? Date.parse(profile.accessTokenExpiresAt) : NaN;
  return Number.isFinite(at) && at - refreshMarginMs <= Date.now();
}

/** Runs `fn` with a signed-in client; on a 401 it refreshes once and retries. */
export async function withSession<T>(
  ctx: CliContext,
  fn: (client: ApiClient) => Promise<T>,
): Promise<T> {
  const { ApiClient } = await import('./client.ts');
  const make = (token: string, tokenFrom = `profile ${ctx.profileName}`) =>
    new ApiClient({ baseUrl: ctx.apiUrl, token, tokenFrom });
  if (fromEnv(ctx)) return fn(make(ctx.env.PONGCTL_TOKEN!, 'PONGCTL_TOKEN'));
  let token = ctx.profile.accessToken;
  if (!token)
    throw new AppError(
      'UNAUTHENTICATED',
      `Not signed in to ${ctx.apiUrl}; run \`pongctl login\` (or set PONGCTL_TOKEN)`,
    );
  let refreshed = false;
  if (expiring(ctx.profile) && ctx.profile.refreshToken) {
    token = await refresh(ctx);
    refreshed = true;
  }
  try {
    return await fn(make(token));
  } catch (err) {
    if (
      refreshed ||
      !(err instanceof AppError) ||
      err.code !== 'UNAUTHENTICATED' ||
      !ctx.profile.refreshToken
    )
      throw err;
    return fn(make(await refresh(ctx)));
  }
}
