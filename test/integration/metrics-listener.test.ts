/**
 * /metrics is served on its own listener (METRICS_HOST, METRICS_PORT,
 * loopback by default), not on the public API port; Prometheus' scrape config
 * and the compose file point at that listener.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadConfig } from '../../api/core/config.ts';
import { startTestServer } from '../support/server.ts';
import { suiteServer } from '../support/suite-server.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the /metrics listener', () => {
  const server = suiteServer(() => startTestServer(), 60_000);

  it('binds to loopback on its own port by default', () => {
    const config = loadConfig({});
    assert.deepEqual(config.metrics, { host: '127.0.0.1', port: 9464 });
    assert.notEqual(config.metrics.port, config.port);
  });

  it('serves the exposition on the metrics listener, and nothing on the API port', async () => {
    assert.notEqual(new URL(server.metricsUrl).port, new URL(server.url).port);
    assert.equal(new URL(server.metricsUrl).hostname, '127.0.0.1');
    await fetch(`${server.url}/healthz`);
    const scraped = await fetch(`${server.metricsUrl}/metrics`);
    assert.equal(scraped.status, 200);
    assert.match(scraped.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await scraped.text(), /^http_requests_total\{method="GET",route="\/healthz"/m);
    const onApi = await fetch(`${server.url}/metrics`);
    assert.equal(onApi.status, 404);
    assert.equal(((await onApi.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
  });

  it('serves only /metrics, and only to GET and HEAD', async () => {
    assert.equal((await fetch(`${server.metricsUrl}/api/v1/users`)).status, 404);
    assert.equal((await fetch(`${server.metricsUrl}/metrics`, { method: 'POST' })).status, 405);
    assert.equal((await fetch(`${server.metricsUrl}/metrics`, { method: 'HEAD' })).status, 200);
  });

  it('is what Prometheus scrapes in the compose stack, on the internal network only', () => {
    const compose = parse(readFileSync(`${root}docker-compose.yml`, 'utf8')) as {
      services: Record<string, { environment?: Record<string, unknown>; ports?: string[] }>;
    };
    const api = compose.services.api!;
    const metricsPort = String(api.environment?.METRICS_PORT);
    assert.equal(api.environment?.METRICS_HOST, '0.0.0.0');
    assert.ok(
      !(api.ports ?? []).some((p) => p.endsWith(`:${metricsPort}`)),
      'the metrics port is not published',
    );
    const prometheus = parse(readFileSync(`${root}ops/prometheus/prometheus.yml`, 'utf8')) as {
      scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; port: number }[] }[];
    };
    // Each replica is scraped directly on its metrics port: `api` resolves to every replica.
    const job = prometheus.scrape_configs.find((j) => j.job_name === 'pongctl-api')!;
    assert.deepEqual(job.dns_sd_configs[0]!.names, ['api']);
    assert.equal(String(job.dns_sd_configs[0]!.port), metricsPort);
  });
});
