/**
 * The API's public face as data: every endpoint of every area, in one table.
 * Areas add their tables here.
 */
import { realtimeEndpoints } from './realtime-endpoints.ts';
import { systemEndpoints } from './system.ts';

export const endpoints = {
  ...systemEndpoints,
  ...realtimeEndpoints,
};

export type Endpoints = typeof endpoints;
export type EndpointId = keyof Endpoints;

/** Version of the API contract; bumped on breaking changes. */
export const apiVersion = '1.0.0';
