/** System endpoints: health, readiness, metrics and the API description. */
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
    response: healthSchema,
  },
  'system.readyz': {
    id: 'system.readyz',
    method: 'GET',
    path: '/readyz',
    auth: 'public',
    summary: 'Readiness: the database answers (503 when it does not)',
    tags: ['system'],
    response: readinessSchema,
  },
  'system.metrics': {
    id: 'system.metrics',
    method: 'GET',
    path: '/metrics',
    auth: 'public',
    summary: 'Prometheus exposition of the process, HTTP and domain metrics',
    tags: ['system'],
    response: z.string(),
    raw: { contentType: 'text/plain; version=0.0.4; charset=utf-8' },
  },
  'system.openapi': {
    id: 'system.openapi',
    method: 'GET',
    path: '/api/v1/openapi.json',
    auth: 'public',
    summary: 'This OpenAPI 3.1 document',
    tags: ['system'],
    response: z.record(z.string(), z.unknown()),
    raw: { contentType: 'application/json; charset=utf-8' },
  },
});
