/**
 * The Grafana data sources and folder pongctl manages, by stable uid. The same
 * definitions feed the HTTP apply (secrets from the environment) and the
 * provisioning YAML (secrets as $VARIABLES Grafana expands at start-up).
 */
import { ds } from './model.ts';

export interface DataSourceSpec {
  uid: string;
  name: string;
  type: string;
  access: 'proxy';
  url: string;
  isDefault: boolean;
  user?: string;
  jsonData: Record<string, unknown>;
  /** Write-only in Grafana: the names are compared, the values cannot be read back. */
  secureJsonData?: Record<string, string>;
}

export const folder = { uid: 'pongctl', title: 'pongctl' } as const;

/** Variables the data sources read, with compose defaults for the URLs. */
export const dataSourceEnv = {
  prometheusUrl: ['GRAFANA_PROMETHEUS_URL', 'http://prometheus:9090'],
  postgresHost: ['GRAFANA_POSTGRES_HOST', 'postgres:5432'],
  postgresDatabase: ['GRAFANA_POSTGRES_DATABASE', 'pong'],
  postgresPassword: ['GRAFANA_DB_PASSWORD', ''],
  elasticsearchUrl: ['GRAFANA_ELASTICSEARCH_URL', 'http://elasticsearch:9200'],
  elasticsearchApiKey: ['GRAFANA_ELASTICSEARCH_API_KEY', ''],
} as const;

type Lookup = (key: keyof typeof dataSourceEnv) => string;

/** Reads values from an environment, falling back to the compose defaults. */
export function fromEnv(env: Record<string, string | undefined>): Lookup {
  return (key) => {
    const [name, fallback] = dataSourceEnv[key];
    return env[name] || fallback;
  };
}

/** Writes `$VARIABLE` references, for provisioning files Grafana expands itself. */
export const asReferences: Lookup = (key) => `$${dataSourceEnv[key][0]}`;

export function dataSources(get: Lookup): DataSourceSpec[] {
  const esKey = get('elasticsearchApiKey');
  const pgPassword = get('postgresPassword');
  return [
    {
      uid: ds.prometheus.uid,
      name: 'Prometheus',
      type: ds.prometheus.type,
      access: 'proxy',
      url: get('prometheusUrl'),
      isDefault: true,
      jsonData: { httpMethod: 'POST', timeInterval: '15s' },
    },
    {
      uid: ds.postgres.uid,
      name: 'PostgreSQL (reporting)',
      type: ds.postgres.type,
      access: 'proxy',
      url: get('postgresHost'),
      isDefault: false,
      user: 'grafana_reader',
      jsonData: {
        database: get('postgresDatabase'),
        sslmode: 'disable',
        postgresVersion: 1700,
        timescaledb: false,
        maxOpenConns: 5,
      },
      ...(pgPassword ? { secureJsonData: { password: pgPassword } } : {}),
    },
    {
      uid: ds.elasticsearch.uid,
      name: 'Elasticsearch (logs)',
      type: ds.elasticsearch.type,
      access: 'proxy',
      url: get('elasticsearchUrl'),
      isDefault: false,
      jsonData: {
        index: 'logs-pong*',
        timeField: '@timestamp',
        logMessageField: 'message',
        logLevelField: 'log.level',
        ...(esKey ? { httpHeaderName1: 'Authorization' } : {}),
      },
      ...(esKey ? { secureJsonData: { httpHeaderValue1: `ApiKey ${esKey}` } } : {}),
    },
  ];
}
