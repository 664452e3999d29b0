/**
 * The metrics registry of one API process: prom-client's default process
 * metrics plus the HTTP metrics of the contract. Built by the composition root
 * and passed down; nothing registers globally.
 */
import { Registry, collectDefaultMetrics, Gauge } from 'prom-client';
import { metrics as spec } from '../contract/metrics.ts';
import { RequestHistogram } from './fast-histogram.ts';

export interface Metrics {
  registry: Registry;
  /** Records one answered request; route is the template, never the raw path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

export function createMetrics(info: { version: string }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const build = new Gauge({ name: spec.buildInfo.name, help: spec.buildInfo.help, labelNames: [...spec.buildInfo.labels], registers: [registry] });
  build.set({ version: info.version, node_version: process.versions.node }, 1);

  const requests = new RequestHistogram(spec.httpRequestDuration.labels, spec.httpRequestDuration.buckets);
  requests.register(registry, {
    histogram: spec.httpRequestDuration.name,
    histogramHelp: spec.httpRequestDuration.help,
    counter: spec.httpRequestsTotal.name,
    counterHelp: spec.httpRequestsTotal.help,
  });
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requests.observe([method, route, String(status)], seconds);
    },
  };
}
