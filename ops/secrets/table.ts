/**
 * Every secret the compose stack needs, in one table: `pongctl secrets init`
 * generates them into .env, .env.example lists them, and a test checks that
 * docker-compose.yml asks for nothing else. Add a row per new secret.
 */

export interface SecretSpec {
  /** The .env variable. */
  name: string;
  /** Which services read it, and what for. */
  description: string;
  /** Random characters to generate: letters and digits only, safe in URLs, YAML and SQL literals. */
  length: number;
}

export const secretTable: readonly SecretSpec[] = [
  {
    name: 'POSTGRES_PASSWORD',
    description: 'PostgreSQL superuser `pong` (postgres, api, postgres-exporter)',
    length: 32,
  },
  { name: 'PONG_JWT_SECRET', description: 'API access-token signing key (api)', length: 48 },
  {
    name: 'GRAFANA_ADMIN_PASSWORD',
    description: 'Grafana `admin` password, applied on its first start (grafana, setup)',
    length: 24,
  },
  {
    name: 'GRAFANA_SECRET_KEY',
    description: "Grafana's key for encrypting data source secrets (grafana)",
    length: 48,
  },
  {
    name: 'GRAFANA_DB_PASSWORD',
    description:
      'PostgreSQL role grafana_reader used by the Grafana data source (postgres init, setup)',
    length: 32,
  },
  {
    name: 'ELASTIC_PASSWORD',
    description:
      'Elasticsearch `elastic` superuser: only used by setup to mint least-privilege API keys (elasticsearch, elasticsearch-init, setup)',
    length: 32,
  },
  {
    name: 'KIBANA_SYSTEM_PASSWORD',
    description: 'Built-in kibana_system user Kibana connects as (elasticsearch-init, kibana)',
    length: 32,
  },
  {
    name: 'KIBANA_ENCRYPTION_KEY',
    description: 'xpack.encryptedSavedObjects.encryptionKey (kibana)',
    length: 48,
  },
  {
    name: 'KIBANA_SECURITY_KEY',
    description: 'xpack.security.encryptionKey for session cookies (kibana)',
    length: 48,
  },
  {
    name: 'KIBANA_REPORTING_KEY',
    description: 'xpack.reporting.encryptionKey (kibana)',
    length: 48,
  },
];
