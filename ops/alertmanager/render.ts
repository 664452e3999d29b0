/**
 * Renders the Alertmanager configuration Alertmanager loads: the committed
 * routing (alertmanager.yml, no secrets) plus integrations taken from the
 * environment. Which receiver gets which integration is the table below.
 */
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { AppError } from '../../api/contract/errors.ts';

export const alertmanagerEnv = z.object({
  ALERTMANAGER_WEBHOOK_URL: z.url().optional(),
  ALERTMANAGER_SLACK_API_URL: z.url().optional(),
  ALERTMANAGER_SLACK_CHANNEL: z.string().min(1).default('#alerts'),
  ALERTMANAGER_EMAIL_TO: z.string().min(3).optional(),
  ALERTMANAGER_SMTP_SMARTHOST: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'must be host:port')
    .optional(),
  ALERTMANAGER_SMTP_FROM: z.string().min(3).optional(),
  ALERTMANAGER_SMTP_USERNAME: z.string().optional(),
  ALERTMANAGER_SMTP_PASSWORD: z.string().optional(),
});

/** Which integrations each receiver gets when configured: email pages only. */
const integrationsByReceiver: Record<string, ('webhook' | 'slack' | 'email')[]> = {
  default: ['webhook'],
  critical: ['webhook', 'slack', 'email'],
  warning: ['webhook', 'slack'],
  info: ['webhook'],
};

type Env = z.infer<typeof alertmanagerEnv>;
type Receiver = { name: string } & Record<string, unknown>;

function integration(kind: 'webhook' | 'slack' | 'email', env: Env): [string, unknown] | undefined {
  if (kind === 'webhook' && env.ALERTMANAGER_WEBHOOK_URL) {
    return ['webhook_configs', [{ url: env.ALERTMANAGER_WEBHOOK_URL, send_resolved: true }]];
  }
  if (kind === 'slack' && env.ALERTMANAGER_SLACK_API_URL) {
    return [
      'slack_configs',
      [
        {
          api_url: env.ALERTMANAGER_SLACK_API_URL,
          channel: env.ALERTMANAGER_SLACK_CHANNEL,
          send_resolved: true,
          title: '{{ .CommonAnnotations.summary }}',
          text: '{{ .CommonAnnotations.description }}',
        },
      ],
    ];
  }
  if (kind === 'email' && env.ALERTMANAGER_EMAIL_TO) {
    return ['email_configs', [{ to: env.ALERTMANAGER_EMAIL_TO, send_resolved: true }]];
  }
  return undefined;
}

function checkEnv(raw: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(
    Object.entries(raw).filter(
      ([k, v]) => k.startsWith('ALERTMANAGER_') && v !== undefined && v !== '',
    ),
  );
  const parsed = alertmanagerEnv.safeParse(cleaned);
  if (!parsed.success) {
    throw new AppError(
      'CONFIG',
      'Invalid Alertmanager settings',
      parsed.error.issues.map((i) => ({ variable: String(i.path[0]), message: i.message })),
    );
  }
  const env = parsed.data;
  if (
    env.ALERTMANAGER_EMAIL_TO &&
    (!env.ALERTMANAGER_SMTP_SMARTHOST || !env.ALERTMANAGER_SMTP_FROM)
  ) {
    throw new AppError('CONFIG', 'Invalid Alertmanager settings', [
      {
        variable: 'ALERTMANAGER_SMTP_SMARTHOST',
        message:
          'ALERTMANAGER_EMAIL_TO needs ALERTMANAGER_SMTP_SMARTHOST and ALERTMANAGER_SMTP_FROM',
      },
    ]);
  }
  return env;
}

/** The committed routing plus integrations from `env`; the result holds secrets, write it mode 0600. */
export function renderAlertmanagerConfig(
  committedYaml: string,
  rawEnv: Record<string, string | undefined>,
): string {
  const env = checkEnv(rawEnv);
  const config = parse(committedYaml) as {
    global?: Record<string, unknown>;
    receivers: Receiver[];
  };
  if (env.ALERTMANAGER_EMAIL_TO) {
    config.global = {
      ...config.global,
      smtp_smarthost: env.ALERTMANAGER_SMTP_SMARTHOST,
      smtp_from: env.ALERTMANAGER_SMTP_FROM,
      ...(env.ALERTMANAGER_SMTP_USERNAME
        ? { smtp_auth_username: env.ALERTMANAGER_SMTP_USERNAME }
        : {}),
      ...(env.ALERTMANAGER_SMTP_PASSWORD
        ? { smtp_auth_password: env.ALERTMANAGER_SMTP_PASSWORD }
        : {}),
    };
  }
  config.receivers = config.receivers.map((receiver) => {
    const out: Receiver = { name: receiver.name };
    for (const kind of integrationsByReceiver[receiver.name] ?? ['webhook']) {
      const entry = integration(kind, env);
      if (entry) out[entry[0]] = entry[1];
    }
    return out;
  });
  return `# Rendered by pongctl alerts render from ops/alertmanager/alertmanager.yml; holds secrets.\n${stringify(config)}`;
}
