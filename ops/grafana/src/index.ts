/** Every dashboard pongctl manages, in one list: render, lint, diff and apply read it. */
import { dashboard, type DashboardSpec } from '../model.ts';
import { apiDashboard } from './api.ts';
import { businessDashboard } from './business.ts';
import { matchStatsDashboard, userStatsDashboard } from './game-stats.ts';
import { matchmakingDashboard } from './matchmaking.ts';
import { postgresDashboard } from './postgres.ts';
import { realtimeDashboard } from './realtime.ts';

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
