/**
 * A small client for the Prometheus HTTP API: loaded rules, active alerts,
 * reload. Replies are validated with zod; fields Prometheus adds in newer
 * versions are ignored rather than rejected, so one client serves 2.x and 3.x.
 */
import { z } from 'zod';
import { AppError } from '../../api/contract/errors.ts';

const labels = z.record(z.string(), z.string());

const liveRuleSchema = z.object({
  name: z.string(),
  query: z.string(),
  type: z.enum(['alerting', 'recording']),
  duration: z.number().optional(),
  labels: labels.optional(),
  annotations: labels.optional(),
  state: z.enum(['inactive', 'pending', 'firing']).optional(),
  health: z.string().optional(),
  lastError: z.string().optional(),
});

const rulesReply = z.object({
  status: z.literal('success'),
  data: z.object({
    groups: z.array(
      z.object({ name: z.string(), file: z.string(), rules: z.array(liveRuleSchema) }),
    ),
  }),
});

const liveAlertSchema = z.object({
  labels,
  annotations: labels,
  state: z.enum(['pending', 'firing', 'inactive']),
  activeAt: z.string().optional(),
  value: z.string(),
});

const alertsReply = z.object({
  status: z.literal('success'),
  data: z.object({ alerts: z.array(liveAlertSchema) }),
});

export type LiveRule = z.infer<typeof liveRuleSchema>;
export type LiveGroup = z.infer<typeof rulesReply>['data']['groups'][number];
export type LiveAlert = z.infer<typeof liveAlertSchema>;

async function request(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new AppError(
      'UNAVAILABLE',
      `cannot reach ${new URL(url).origin}: ${(err as Error).message}`,
    );
  }
}

async function getJson<T>(url: string, schema: z.ZodType<T>): Promise<T> {
  const res = await request(url);
  if (!res.ok) throw new AppError('UNAVAILABLE', `${url} answered ${res.status}`);
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success)
    throw new AppError('INTERNAL', `unexpected reply from ${url}`, parsed.error.issues);
  return parsed.data;
}

export function prometheusClient(baseUrl: string) {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async rules(): Promise<LiveGroup[]> {
      return (await getJson(`${base}/api/v1/rules`, rulesReply)).data.groups;
    },
    async alerts(): Promise<LiveAlert[]> {
      return (await getJson(`${base}/api/v1/alerts`, alertsReply)).data.alerts;
    },
    /** POST /-/reload (needs --web.enable-lifecycle); a config error comes back as a 500 with the reason. */
    async reload(): Promise<void> {
      const res = await request(`${base}/-/reload`, { method: 'POST' });
      if (res.status === 403 || res.status === 404)
        throw new AppError(
          'UNAVAILABLE',
          'Prometheus refuses /-/reload: start it with --web.enable-lifecycle',
        );
      if (!res.ok)
        throw new AppError(
          'VALIDATION',
          `Prometheus could not reload: ${(await res.text()).trim()}`,
        );
    },
  };
}

export type PrometheusClient = ReturnType<typeof prometheusClient>;
