/** System endpoints: health, readiness and the API description (/metrics has its own listener). */
import { z } from 'zod';
import { defineEndpoints } from './endpoint.ts';

export const healthSchema = z.strictObject({
  status: z.literal('ok'),
});

export const readinessSchema = z.strictObject({
  status: z.literal('ok'),
  checks: z.strictObject({
    database: z.strictObject({
      status: z.enum(['ok', 'unavailable']),
      latencyMs: z.number().nonnegative(),
    }),
  }),
  version: z.string(),
  engine: z.enum(['postgres', 'pglite']),
});

export const systemEndpoints = defineEndpoints({
  'system.healthz': {
    id: 'system.healthz',
    method: 'GET',
    path: '/healthz',
    auth: 'public',
    summary: 'Liveness: the process answers; touches nothing else',
    tags: ['system'],
    errors: [],
    response: healthSchema,
  },
  'system.readyz': {
    id: 'system.readyz',
    method: 'GET',
    path: '/readyz',
    auth: 'public',
    summary: 'Readiness: the database answers (503 when it does not)',
    tags: ['system'],
    errors: ['UNAVAILABLE'],
    response: readinessSchema,
  },
  'system.openapi': {
    id: 'system.openapi',
    method: 'GET',
    path: '/api/v1/openapi.json',
    auth: 'public',
    summary: 'This OpenAPI 3.1 document',
    tags: ['system'],
    errors: [],
    response: z.record(z.string(), z.unknown()),
    raw: { contentType: 'application/json; charset=utf-8' },
    examples: { response: { openapi: '3.1.0', info: { title: 'pongctl API', version: '1.0.0' } } },
  },
});
