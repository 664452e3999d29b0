/** The instances of a deployment, as an operator sees them (GET /admin/instances, `pongctl instances`). */
import { z } from 'zod';
import { defineEndpoints } from './endpoint.ts';

export const instanceSchema = z.strictObject({
  id: z.string().meta({ description: 'INSTANCE_ID of the process' }),
  self: z.boolean().meta({ description: 'The instance that answered this request' }),
  startedAt: z.iso.datetime(),
  leaseAgeMs: z
    .number()
    .int()
    .nonnegative()
    .meta({ description: 'Time since the instance last renewed its lease' }),
  leaseTtlMs: z.number().int().nonnegative(),
  sockets: z.number().int().nonnegative().meta({ description: 'WebSockets open on the instance' }),
  matches: z.array(z.uuid()).meta({ description: 'Live matches the instance owns (steps)' }),
});
export type InstanceView = z.infer<typeof instanceSchema>;

export const instanceEndpoints = defineEndpoints({
  'admin.instances': {
    id: 'admin.instances',
    method: 'GET',
    path: '/api/v1/admin/instances',
    auth: 'admin',
    tags: ['admin', 'games'],
    errors: [],
    summary:
      'The live instances (their leases are current), with the matches each owns, its sockets and lease age. Without Redis, this instance alone',
    response: z.array(instanceSchema),
    examples: {
      response: [
        {
          id: 'api-1',
          self: true,
          startedAt: '2026-12-02T21:00:00.000Z',
          leaseAgeMs: 1200,
          leaseTtlMs: 10000,
          sockets: 42,
          matches: ['0b8f4c1e-8d2a-4f53-9a43-2f7f0c7f6a10'],
        },
      ],
    },
  },
});
