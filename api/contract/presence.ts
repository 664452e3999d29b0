/**
 * Presence as the API shows it: a user's status and last-seen time. Its own
 * file because both the social table and the public profile (users.ts) use
 * it, and social.ts imports users.ts.
 */
import { z } from 'zod';
import { timestampSchema } from './shapes.ts';

/** `online`: at least one open socket; `in_game`: online and playing a match; `offline`: no socket anywhere. */
export const presenceStatusSchema = z.enum(['online', 'in_game', 'offline']);
export type PresenceStatus = z.infer<typeof presenceStatusSchema>;

export const userPresenceSchema = z.strictObject({
  status: presenceStatusSchema,
  /** When the user last came online or went offline (ISO 8601); null if never seen. */
  lastSeenAt: timestampSchema.nullable(),
});
export type UserPresence = z.infer<typeof userPresenceSchema>;
