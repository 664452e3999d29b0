/** Every dashboard pongctl manages, in one list: render, lint, diff and apply read it. */
import { dashboard, type DashboardSpec } from '../model.ts';
import { apiDashboard } from '../dashboard-builders/api.ts';
import { businessDashboard } from '../dashboard-builders/business.ts';
import { matchStatsDashboard, userStatsDashboard } from '../dashboard-builders/game-stats.ts';
import { matchmakingDashboard } from '../dashboard-builders/matchmaking.ts';
import { postgresDashboard } from '../dashboard-builders/postgres.ts';
import { realtimeDashboard } from '../dashboard-builders/realtime.ts';

export const dashboardSpecs: readonly DashboardSpec[] = [
  apiDashboard,
  realtimeDashboard,
  matchmakingDashboard,
  businessDashboard,
  userStatsDashboard,
  matchStatsDashboard,
  postgresDashboard,
];

/** uid → classic dashboard JSON. */
export function renderDashboards(): Map<string, Record<string, unknown>> {
  return new Map(dashboardSpecs.map((spec) => [spec.uid, dashboard(spec)]));
}
