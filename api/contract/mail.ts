/**
 * The mail outbox for operators without SMTP: account mail (reset links,
 * new-account links) waits in it, and admins read it here (audited, since a
 * reset link opens an account).
 */
import { z } from 'zod';
import { defineEndpoints } from './endpoint.ts';
import { timestampSchema } from './shapes.ts';
import { listMetaSchema, pageQuery } from './users.ts';

export const outboxMailSchema = z.strictObject({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  body: z.string(),
  /** `outbox` (no SMTP_URL: only here) or `smtp`. */
  transport: z.string(),
  createdAt: timestampSchema,
  sentAt: timestampSchema.nullable(),
  error: z.string().nullable(),
});
export type OutboxMail = z.infer<typeof outboxMailSchema>;

export const mailEndpoints = defineEndpoints({
  'admin.mailList': {
    id: 'admin.mailList',
    method: 'GET',
    path: '/api/v1/admin/mail',
    auth: 'admin',
    tags: ['admin'],
    errors: [],
    summary:
      'Account mail in the outbox, newest first: by default the mail not sent (no SMTP, or it failed); audited as mail.read',
    query: z.strictObject({
      all: z
        .enum(['true', 'false'])
        .optional()
        .transform((v) => v === 'true'),
      to: z.string().trim().min(1).max(254).optional(),
      ...pageQuery,
    }),
    response: z.array(outboxMailSchema),
    meta: listMetaSchema,
  },
});
