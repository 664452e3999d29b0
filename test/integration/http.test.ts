import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { endpoints } from '../../api/contract/index.ts';
import { buildOpenApi } from '../../api/contract/openapi.ts';
import { validateOpenApi } from '../support/openapi.ts';
import { startTestServer } from '../support/server.ts';
import { suiteServer } from '../support/suite-server.ts';

async function json(res: Response): Promise<any> {
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return res.json();
}

function hasPromtool(): boolean {
  return spawnSync('promtool', ['--version']).status === 0;
}

describe('HTTP skeleton', () => {
  const server = suiteServer(() => startTestServer({ CORS_ORIGINS: 'https://app.example' }));

  it('GET /healthz answers ok in the envelope with security headers', async () => {
    const res = await fetch(`${server.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { data: { status: 'ok' }, meta: {} });
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  it('GET /readyz pings the database and reports the engine', async () => {
    const body = await json(await fetch(`${server.url}/readyz`));
    assert.equal(body.data.status, 'ok');
    assert.equal(body.data.checks.database.status, 'ok');
    assert.equal(body.data.engine, process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite');
  });

  it('echoes a sane X-Request-Id and replaces an insane one', async () => {
    const sane = await fetch(`${server.url}/healthz`, {
      headers: { 'x-request-id': 'req-12345678' },
    });
    assert.equal(sane.headers.get('x-request-id'), 'req-12345678');
    const insane = await fetch(`${server.url}/healthz`, {
      headers: { 'x-request-id': 'bad id\twith "quotes"' },
    });
    assert.match(insane.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const missing = await fetch(`${server.url}/healthz`);
    assert.match(missing.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with a 404 envelope carrying the request id', async () => {
    const res = await fetch(`${server.url}/api/v1/nothing-here`, {
      headers: { 'x-request-id': 'trace-abcdef01' },
    });
    assert.equal(res.status, 404);
    const body = await json(res);
    assert.equal(body.error.code, 'NOT_FOUND');
    assert.equal(body.error.requestId, 'trace-abcdef01');
    assert.equal(typeof body.error.message, 'string');
  });

  it('answers a wrong method with 405 and an Allow header', async () => {
    const res = await fetch(`${server.url}/healthz`, { method: 'DELETE' });
    assert.equal(res.status, 405);
    assert.deepEqual((res.headers.get('allow') ?? '').split(', ').sort(), ['GET', 'HEAD']);
    assert.equal((await json(res)).error.code, 'METHOD_NOT_ALLOWED');
  });

  it('rejects unknown query parameters with a 400 naming them', async () => {
    const res = await fetch(`${server.url}/healthz?debug=1`);
    assert.equal(res.status, 400);
    const body = await json(res);
    assert.equal(body.error.code, 'VALIDATION');
    assert.match(JSON.stringify(body.error.details), /debug/);
  });

  it('answers CORS preflights for configured origins only', async () => {
    const ok = await fetch(`${server.url}/healthz`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example');
    const other = await fetch(`${server.url}/healthz`, {
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('serves a valid OpenAPI 3.1 document generated from the contract', async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    assert.equal(res.status, 200);
    const doc = await json(res);
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(validateOpenApi(doc), []);
    for (const endpoint of Object.values(endpoints)) {
      assert.ok(
        doc.paths[endpoint.path]?.[endpoint.method.toLowerCase()],
        `${endpoint.id} is documented`,
      );
    }
  });

  it('the OpenAPI validator rejects a broken document', () => {
    const doc = buildOpenApi(endpoints, { version: 'x' }) as any;
    doc.paths['/healthz'].get.responses = 'none';
    doc.components.schemas.ErrorEnvelope = { type: 'no-such-type' };
    assert.equal(validateOpenApi(doc).length >= 2, true);
  });

  it('exposes Prometheus metrics labelled by route template, never by raw path', async () => {
    await fetch(`${server.url}/healthz`);
    await fetch(`${server.url}/secret-user-path/alice@example.com`);
    const res = await fetch(`${server.metricsUrl}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    assert.match(text, /^http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+$/m);
    assert.match(
      text,
      /^http_request_duration_seconds_bucket\{method="GET",route="\/healthz",status="200",le="\+Inf"\} \d+$/m,
    );
    assert.match(text, /route="\(unmatched\)",status="404"/);
    assert.doesNotMatch(text, /secret-user-path|alice/);
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.match(text, /^pongctl_build_info\{version="[^"]+",node_version="[^"]+"\} 1$/m);
    const sample =
      /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? -?(\d+(\.\d+)?(e[+-]?\d+)?|NaN|[+-]Inf)$/;
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
      assert.match(line, sample);
    }
    if (hasPromtool()) {
      // prom-client's own default gauges nodejs_active_*_total break a naming lint; anything else is ours.
      const out = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      const problems = `${out.stdout}${out.stderr}`
        .split('\n')
        .filter((l) => l.trim() && !/^nodejs_active_\w+_total non-counter/.test(l));
      assert.deepEqual(problems, []);
    }
  });

  it('logs one ECS access line per request with the request id as trace.id', async () => {
    await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'log-check-0001' } });
    const line = server.logs.find((l) => l['trace.id'] === 'log-check-0001');
    assert.ok(line, 'access line present');
    assert.equal(line['http.request.method'], 'GET');
    assert.equal(line['http.route'], '/healthz');
    assert.equal(line['http.response.status_code'], 200);
    assert.equal(typeof line['event.duration'], 'number');
    assert.equal(line['log.level'], 'info');
    assert.equal(typeof line['@timestamp'], 'string');
    assert.equal(line.message, 'request');
  });

  it('does not hang on a request with a body it does not read', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.url}/healthz`,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{"a":1}');
    });
    assert.equal(status, 405);
  });
});

describe('readiness with the database gone', () => {
  it('answers 503 UNAVAILABLE with Retry-After once the database is closed', async () => {
    const server = await startTestServer();
    try {
      await server.db.destroy();
      const res = await fetch(`${server.url}/readyz`);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '5');
      const body = (await res.json()) as { error: { code: string } };
      assert.equal(body.error.code, 'UNAVAILABLE');
      const live = await fetch(`${server.url}/healthz`);
      assert.equal(live.status, 200, 'liveness does not depend on the database');
    } finally {
      await server.stop();
    }
  });
});
