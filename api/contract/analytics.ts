/**
 * Analytics events from clients: batches of up to EVENTS_MAX_BATCH events
 * named from ANALYTICS_EVENT_NAMES, each with small flat properties, and the
 * admin report of counts per day and event.
 */
import { z } from 'zod';
import { defineEndpoints } from './endpoint.ts';

/** The event names clients may send; anything else is refused (400). */
export const ANALYTICS_EVENT_NAMES = [
  'app_open',
  'app_close',
  'screen_view',
  'button_click',
  'queue_join',
  'queue_leave',
  'match_join',
  'match_leave',
  'spectate_start',
  'spectate_stop',
  'chat_open',
  'tournament_view',
  'leaderboard_view',
  'stats_view',
  'settings_change',
  'error_shown',
] as const;
export const analyticsEventNameSchema = z.enum(ANALYTICS_EVENT_NAMES);

/** Events per batch (more: 413). */
export const EVENTS_MAX_BATCH = 100;
/** Bytes of one event's properties as JSON (more: 413). */
export const EVENTS_MAX_PROPERTIES_BYTES = 2048;
/** Batches one user may send per minute (more: 429). */
export const EVENTS_BATCHES_PER_MINUTE = 30;
/** How far in the past (7 days) and future (5 minutes, clock skew) a timestamp may be. */
export const EVENTS_MAX_AGE_MS = 7 * 24 * 3600_000;
export const EVENTS_MAX_SKEW_MS = 5 * 60_000;

const propertyKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be snake_case, at most 40 characters');
export const analyticsEventSchema = z.strictObject({
  name: analyticsEventNameSchema,
  properties: z
    .record(propertyKey, z.union([z.string().max(512), z.number().finite(), z.boolean(), z.null()]))
    .default({}),
  timestamp: z.iso.datetime({ offset: true }),
});

export const analyticsEndpoints = defineEndpoints({
  'events.create': {
    id: 'events.create',
    method: 'POST',
    path: '/api/v1/events',
    auth: 'user',
    tags: ['analytics'],
    errors: ['RATE_LIMITED'],
    status: 202,
    summary: `Record up to ${EVENTS_MAX_BATCH} analytics events (names from the documented list)`,
    body: z.strictObject({ events: z.array(analyticsEventSchema).min(1) }),
    response: z.strictObject({ accepted: z.number().int() }),
  },
  'admin.analyticsActivity': {
    id: 'admin.analyticsActivity',
    method: 'GET',
    path: '/api/v1/admin/analytics/activity',
    auth: 'admin',
    tags: ['admin', 'analytics'],
    errors: [],
    summary: 'Events per UTC day and name over the last `days` days',
    query: z.strictObject({
      days: z.coerce.number().int().min(1).max(365).default(30),
      event: analyticsEventNameSchema.optional(),
    }),
    response: z.strictObject({
      from: z.string(),
      to: z.string(),
      daily: z.array(
        z.strictObject({ day: z.string(), event: z.string(), count: z.number().int() }),
      ),
      totals: z.array(z.strictObject({ event: z.string(), count: z.number().int() })),
    }),
  },
});
