/**
 * Where the ops commands reach Prometheus, Alertmanager, Grafana,
 * Elasticsearch and Kibana: a flag, then its PONGCTL_* twin, then (for
 * Elasticsearch and Kibana) the profile. The one place these are resolved.
 */
import { AppError } from '../api/contract/errors.ts';
import type { Profile } from './profiles.ts';

export function required(
  value: string | undefined,
  what: string,
  flag: string,
  env: string,
): string {
  if (!value) throw new AppError('VALIDATION', `${what} is required: pass ${flag} or set ${env}`);
  return value;
}

const services = {
  prometheus: { what: 'the Prometheus URL', flag: '--prometheus', env: 'PONGCTL_PROMETHEUS_URL' },
  alertmanager: {
    what: 'the Alertmanager URL',
    flag: '--alertmanager',
    env: 'PONGCTL_ALERTMANAGER_URL',
  },
  grafana: { what: 'the Grafana URL', flag: '--url', env: 'PONGCTL_GRAFANA_URL' },
  elasticsearch: { what: 'the Elasticsearch URL', flag: '--es-url', env: 'PONGCTL_ES_URL' },
  kibana: { what: 'the Kibana URL', flag: '--kibana-url', env: 'PONGCTL_KIBANA_URL' },
} as const;

export type Service = keyof typeof services;

/** The service's URL from its flag or its variable; VALIDATION naming both when neither is set. */
export function serviceUrl(
  env: Record<string, string | undefined>,
  service: Service,
  flagValue: string | undefined,
): string {
  const s = services[service];
  return required(flagValue ?? env[s.env], s.what, s.flag, s.env).replace(/\/+$/, '');
}

/** How to reach Elasticsearch or Kibana: flag, then PONGCTL_ES_* / PONGCTL_KIBANA_*, then the profile. */
export interface ServiceConnection {
  url: string | undefined;
  apiKey: string | undefined;
  username: string | undefined;
  password: string | undefined;
  caFile: string | undefined;
  /** Read the password from stdin (`--es-password-stdin`). */
  passwordFromStdin: boolean;
}

export function serviceConnection(
  flags: { url?: string; user?: string; ca?: string; passwordStdin?: boolean },
  env: Record<string, string | undefined>,
  twin: { prefix: 'PONGCTL_ES' | 'PONGCTL_KIBANA'; profile?: Profile['elasticsearch'] },
): ServiceConnection {
  const { prefix, profile } = twin;
  const username = flags.user ?? env[`${prefix}_USER`] ?? profile?.username;
  return {
    url: (flags.url ?? env[`${prefix}_URL`] ?? profile?.url)?.replace(/\/+$/, ''),
    apiKey:
      username && !env[`${prefix}_API_KEY`]
        ? undefined
        : env[`${prefix}_API_KEY`] || profile?.apiKey,
    username,
    password: env[`${prefix}_PASSWORD`],
    caFile: flags.ca ?? env[`${prefix}_CA`] ?? profile?.ca,
    passwordFromStdin: Boolean(flags.passwordStdin),
  };
}

/** The URL of a resolved Elasticsearch or Kibana connection, or VALIDATION saying how to give one. */
export function connectionUrl(
  conn: ServiceConnection,
  service: 'elasticsearch' | 'kibana',
): string {
  const s = services[service];
  return required(conn.url, s.what, s.flag, s.env);
}
