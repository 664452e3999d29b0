/**
 * Bootstraps the service-account token that `grafana apply` uses, with the
 * admin password read from stdin or the environment (never a flag): finds or
 * creates the service account (role Admin) and mints a token for it.
 */
import { z } from 'zod';
import { AppError } from '../../api/contract/errors.ts';

const account = z.object({ id: z.number(), name: z.string() });

export async function createServiceAccountToken(input: {
  url: string;
  user: string;
  password: string;
  account: string;
  tokenName: string;
  secondsToLive?: number;
}): Promise<string> {
  const base = input.url.replace(/\/+$/, '');
  const auth = `Basic ${Buffer.from(`${input.user}:${input.password}`).toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: auth,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    }).catch((err: Error) => {
      throw new AppError('UNAVAILABLE', `cannot reach Grafana at ${base}: ${err.message}`);
    });
    if (res.status === 401 || res.status === 403)
      throw new AppError('UNAUTHENTICATED', 'Grafana refused the admin credentials');
    return { status: res.status, json: (await res.json().catch(() => undefined)) as unknown };
  };
  const found = await call(
    'GET',
    `/api/serviceaccounts/search?query=${encodeURIComponent(input.account)}`,
  );
  const existing = z
    .object({ serviceAccounts: z.array(account) })
    .parse(found.json)
    .serviceAccounts.find((a) => a.name === input.account);
  let id = existing?.id;
  if (id === undefined) {
    const created = await call('POST', '/api/serviceaccounts', {
      name: input.account,
      role: 'Admin',
      isDisabled: false,
    });
    if (created.status >= 300)
      throw new AppError(
        'UNAVAILABLE',
        `could not create service account: ${JSON.stringify(created.json)}`,
      );
    id = account.parse(created.json).id;
  }
  const token = await call('POST', `/api/serviceaccounts/${id}/tokens`, {
    name: input.tokenName,
    secondsToLive: input.secondsToLive ?? 0,
  });
  if (token.status === 409)
    throw new AppError(
      'CONFLICT',
      `a token named ${input.tokenName} already exists; pick another --token-name`,
    );
  if (token.status >= 300)
    throw new AppError('UNAVAILABLE', `could not create a token: ${JSON.stringify(token.json)}`);
  return z.object({ key: z.string() }).parse(token.json).key;
}
