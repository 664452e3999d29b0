/** HTTP endpoints of the realtime area: the AsyncAPI description of the WebSocket protocol. */
import { z } from 'zod';
import { defineEndpoints } from './endpoint.ts';

export const realtimeEndpoints = defineEndpoints({
  'system.asyncapi': {
    id: 'system.asyncapi',
    method: 'GET',
    path: '/api/v1/asyncapi.json',
    auth: 'public',
    summary:
      'AsyncAPI 3.0 document of the WebSocket protocol at /api/v1/ws (messages, close codes)',
    tags: ['system'],
    errors: [],
    response: z.record(z.string(), z.unknown()),
    raw: { contentType: 'application/json; charset=utf-8' },
    examples: {
      response: { asyncapi: '3.0.0', info: { title: 'pongctl realtime API', version: '1.0.0' } },
    },
  },
});
