/**
 * The API's public face as data: every endpoint of every area, in one table.
 * Areas add their tables here.
 */
import { systemEndpoints } from './system.ts';

export const endpoints = {
  ...systemEndpoints,
};

export type Endpoints = typeof endpoints;
export type EndpointId = keyof Endpoints;

/** Version of the API contract; bumped on breaking changes. */
export const apiVersion = '1.0.0';
