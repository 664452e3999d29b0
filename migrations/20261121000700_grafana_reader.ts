// Read-only reporting for Grafana: a `reporting` schema of views that expose only
// columns safe to chart (no emails, hashes, TOTP secrets, IPs or user agents), and
// a NOLOGIN role `grafana_reader` that may read those views and nothing in public.
// Idempotent on PostgreSQL and PGlite: roles are cluster-wide and survive a dropped
// schema, so the role is created only when missing (and a concurrent creator is
// tolerated); views are created or replaced. In compose, the postgres init script
// (ops/postgres/init/10-grafana-reader.sh) creates the role with LOGIN and its
// password first; this migration then only grants. Later migrations that add
// tables worth charting add their own `reporting.*` views (see ops/grafana/README.md).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'grafana_reader') THEN
        CREATE ROLE grafana_reader NOLOGIN;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
  await knex.raw('CREATE SCHEMA IF NOT EXISTS reporting');
  await knex.raw(`CREATE OR REPLACE VIEW reporting.users AS
    SELECT id, username, role, status, created_at, last_login_at, deleted_at FROM public.users`);
  await knex.raw(`CREATE OR REPLACE VIEW reporting.sessions AS
    SELECT id, user_id, created_at, last_refreshed_at, revoked_at FROM public.sessions`);
  await knex.raw('GRANT USAGE ON SCHEMA reporting TO grafana_reader');
  await knex.raw('GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO grafana_reader');
  await knex.raw('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM grafana_reader');
}

export async function down(knex: Knex): Promise<void> {
  // The role stays: it is cluster-wide and other databases of the cluster may use it.
  await knex.raw('DROP VIEW IF EXISTS reporting.sessions');
  await knex.raw('DROP VIEW IF EXISTS reporting.users');
  // Other migrations' views (20261121000600_stats) may still be in the schema: it goes with the last one.
  await knex.raw(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'reporting') THEN
        DROP SCHEMA IF EXISTS reporting;
      END IF;
    END $$`);
}
