/**
 * Analytics events: clients post batches; the service enforces what a schema
 * cannot (batch and property sizes → 413, timestamps within a week back and
 * five minutes ahead, a per-user rate of batches → 429), stores them, and
 * marks the sender active for the day (DAU/WAU/MAU). Admins read counts per
 * day and event.
 */
import { type z } from 'zod';
import {
  EVENTS_BATCHES_PER_MINUTE,
  EVENTS_MAX_AGE_MS,
  EVENTS_MAX_BATCH,
  EVENTS_MAX_PROPERTIES_BYTES,
  EVENTS_MAX_SKEW_MS,
  type analyticsEventSchema,
} from '../../contract/analytics.ts';
import { AppError, rateLimitedError } from '../../contract/errors.ts';
import { type Actor, requireAdminOrSystem, requireUser } from '../actors.ts';
import { isoDay } from '../leaderboards/periods.ts';
import type { AnalyticsDeps } from './deps.ts';
import * as repo from './repo.ts';

type AnalyticsEvent = z.infer<typeof analyticsEventSchema>;
const dayMs = 86_400_000;

/** Counts this batch against the user's last minute; 429 past the limit. */
function takeRate(deps: AnalyticsDeps, userId: string): void {
  const now = deps.clock.now();
  const recent = (deps.eventWindows.get(userId) ?? []).filter((t) => t > now - 60_000);
  if (recent.length >= EVENTS_BATCHES_PER_MINUTE) {
    const retryAfter = Math.max(1, Math.ceil((recent[0]! + 60_000 - now) / 1000));
    throw rateLimitedError(
      retryAfter,
      `At most ${EVENTS_BATCHES_PER_MINUTE} event batches per minute`,
    );
  }
  recent.push(now);
  deps.eventWindows.set(userId, recent);
}

function checkBatch(events: AnalyticsEvent[], now: number): string[] {
  if (events.length > EVENTS_MAX_BATCH)
    throw new AppError('PAYLOAD_TOO_LARGE', `At most ${EVENTS_MAX_BATCH} events per batch`, {
      limit: EVENTS_MAX_BATCH,
      received: events.length,
    });
  return events.map((e, i) => {
    const json = JSON.stringify(e.properties);
    if (Buffer.byteLength(json) > EVENTS_MAX_PROPERTIES_BYTES)
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `Event ${i}: properties are larger than ${EVENTS_MAX_PROPERTIES_BYTES} bytes`,
        { index: i, limit: EVENTS_MAX_PROPERTIES_BYTES },
      );
    const at = Date.parse(e.timestamp);
    if (at < now - EVENTS_MAX_AGE_MS || at > now + EVENTS_MAX_SKEW_MS) {
      throw new AppError('VALIDATION', `Event ${i}: timestamp out of range`, [
        {
          path: `body.events.${i}.timestamp`,
          message: 'must be within the last 7 days (and at most 5 minutes ahead)',
          code: 'custom',
        },
      ]);
    }
    return json;
  });
}

export async function recordEvents(
  deps: AnalyticsDeps,
  actor: Actor,
  input: { events: AnalyticsEvent[] },
): Promise<{ accepted: number }> {
  const user = requireUser(actor, 'Events come from users');
  const now = deps.clock.now();
  const properties = checkBatch(input.events, now);
  takeRate(deps, user.id);
  const received = new Date(now);
  await deps.db.transaction(async (trx) => {
    await repo.insertEvents(
      trx,
      input.events.map((e, i) => ({
        user_id: user.id,
        name: e.name,
        properties: properties[i]!,
        occurred_at: new Date(e.timestamp),
        received_at: received,
      })),
    );
    await repo.markActive(trx, user.id, received);
  });
  return { accepted: input.events.length };
}

export async function activity(
  deps: AnalyticsDeps,
  actor: Actor,
  input: { days: number; event?: string },
) {
  requireAdminOrSystem(actor);
  const today = Math.floor(deps.clock.now() / dayMs) * dayMs;
  const from = today - (input.days - 1) * dayMs;
  const daily = await repo.countsPerDay(
    deps.db,
    { from: new Date(from), to: new Date(today + dayMs) },
    input.event,
  );
  const totals = new Map<string, number>();
  for (const d of daily) totals.set(d.event, (totals.get(d.event) ?? 0) + d.count);
  return {
    from: isoDay(from),
    to: isoDay(today),
    daily,
    totals: [...totals]
      .map(([event, count]) => ({ event, count }))
      .sort((a, b) => b.count - a.count || a.event.localeCompare(b.event)),
  };
}
