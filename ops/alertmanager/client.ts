/**
 * Alertmanager API v2: silences (list, create, expire) and alerts with their
 * silenced/inhibited status. Replies are validated with zod; newer fields are
 * ignored so one client serves several Alertmanager versions.
 */
import { z } from 'zod';
import { AppError } from '../../api/contract/errors.ts';

const matcherSchema = z.object({
  name: z.string(),
  value: z.string(),
  isRegex: z.boolean(),
  isEqual: z.boolean().optional(),
});

const silenceSchema = z.object({
  id: z.string(),
  status: z.object({ state: z.enum(['active', 'pending', 'expired']) }),
  matchers: z.array(matcherSchema),
  startsAt: z.string(),
  endsAt: z.string(),
  createdBy: z.string(),
  comment: z.string(),
});

const alertSchema = z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  status: z.object({
    state: z.string(),
    silencedBy: z.array(z.string()),
    inhibitedBy: z.array(z.string()),
  }),
});

export type Silence = z.infer<typeof silenceSchema>;
export type Matcher = z.infer<typeof matcherSchema>;
export type AmAlert = z.infer<typeof alertSchema>;

/** `name=value`, `name!=value`, `name=~regex`, `name!~regex`, as amtool writes them. */
export function parseMatcher(text: string): Matcher {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(=~|!~|!=|=)(.*)$/.exec(text.trim());
  if (!m) throw new AppError('VALIDATION', `"${text}" is not a matcher like alertname=ApiDown`);
  const [, name, op, raw] = m;
  const value = raw!.replace(/^"(.*)"$/, '$1');
  if (value === '') throw new AppError('VALIDATION', `matcher ${name} needs a value`);
  return { name: name!, value, isRegex: op!.includes('~'), isEqual: !op!.startsWith('!') };
}

async function call(url: string, init?: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new AppError(
      'UNAVAILABLE',
      `cannot reach ${new URL(url).origin}: ${(err as Error).message}`,
    );
  }
  if (res.ok) return res;
  const reason = (await res.text()).trim().replace(/^"(.*)"$/, '$1');
  // Alertmanager 0.25 answers an unknown silence id with 500 "silence not found"; newer ones with 404.
  if (res.status === 404 || /not found/i.test(reason))
    throw new AppError('NOT_FOUND', `Alertmanager: ${reason || 'not found'}`);
  if (res.status === 400 || res.status === 422)
    throw new AppError('VALIDATION', `Alertmanager refused the request: ${reason}`);
  throw new AppError('UNAVAILABLE', `${url} answered ${res.status}: ${reason}`);
}

export function alertmanagerClient(baseUrl: string) {
  const base = `${baseUrl.replace(/\/+$/, '')}/api/v2`;
  return {
    async silences(): Promise<Silence[]> {
      return z.array(silenceSchema).parse(await (await call(`${base}/silences`)).json());
    },
    async createSilence(input: {
      matchers: Matcher[];
      startsAt: Date;
      endsAt: Date;
      createdBy: string;
      comment: string;
    }): Promise<string> {
      const body = {
        ...input,
        startsAt: input.startsAt.toISOString(),
        endsAt: input.endsAt.toISOString(),
      };
      const res = await call(`${base}/silences`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return z.object({ silenceID: z.string() }).parse(await res.json()).silenceID;
    },
    async expireSilence(id: string): Promise<void> {
      await call(`${base}/silence/${encodeURIComponent(id)}`, { method: 'DELETE' });
    },
    async alerts(): Promise<AmAlert[]> {
      return z.array(alertSchema).parse(await (await call(`${base}/alerts`)).json());
    },
    /** Posts alerts as Prometheus does (used by tests and by `alerts silence` checks). */
    async postAlerts(
      alerts: {
        labels: Record<string, string>;
        annotations?: Record<string, string>;
        startsAt?: string;
      }[],
    ): Promise<void> {
      await call(`${base}/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
    },
  };
}

export type AlertmanagerClient = ReturnType<typeof alertmanagerClient>;
