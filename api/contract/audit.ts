/** The audit log endpoint: every admin action, newest first. */
import { z } from 'zod';
import { timestampSchema } from './shapes.ts';
import { defineEndpoints } from './endpoint.ts';
import { listMetaSchema, pageQuery } from './users.ts';

export const auditEntrySchema = z.strictObject({
  id: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  createdAt: timestampSchema,
});

export const auditEndpoints = defineEndpoints({
  'admin.auditList': {
    id: 'admin.auditList',
    method: 'GET',
    path: '/api/v1/admin/audit',
    auth: 'admin',
    summary: 'Audit log with filters, newest first',
    tags: ['admin'],
    errors: [],
    query: z.strictObject({
      actor: z.string().trim().min(1).max(64).optional(),
      action: z.string().trim().min(1).max(64).optional(),
      since: z.iso.datetime({ offset: true }).optional(),
      ...pageQuery,
    }),
    response: z.array(auditEntrySchema),
    meta: listMetaSchema,
  },
});
