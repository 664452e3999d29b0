#!/bin/sh
# Runs once, when the postgres container initialises an empty data directory:
# creates the login role Grafana's PostgreSQL data source uses. The migration
# 20261121000700_grafana_reader grants it read access to the `reporting` views only.
set -eu
psql -v ON_ERROR_STOP=1 -v pw="$GRAFANA_DB_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
SELECT format('CREATE ROLE grafana_reader LOGIN PASSWORD %L', :'pw')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'grafana_reader') \gexec
SELECT format('ALTER ROLE grafana_reader LOGIN PASSWORD %L', :'pw') \gexec
ALTER ROLE grafana_reader SET default_transaction_read_only = on;
ALTER ROLE grafana_reader SET statement_timeout = '30s';
SQL
