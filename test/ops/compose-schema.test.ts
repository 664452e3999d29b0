/**
 * docker-compose.yml against the Compose Specification's JSON schema (vendored
 * in ops/compose/schema with its source), and the several-instances shape:
 * nginx in front of three api replicas that require Redis, with the nginx
 * configuration being what `pongctl nginx render --upstream api:3000` writes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { renderNginxConfig } from '../../ops/nginx/render.ts';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<string, Record<string, any>>;
  };

  it('is valid against the Compose Specification schema', () => {
    // Its $schema is the https spelling of draft-07, which ajv knows as http: drop the pointer, keep the rules.
    const { $schema: _draft, ...schema } = JSON.parse(read('ops/compose/schema/compose-spec.json'));
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    // The schema can fail: a misspelt key is refused.
    assert.equal(validate({ services: { api: { imagee: 'x' } } }), false);
  });

  it('runs nginx in front of three api replicas with Redis required', () => {
    const { api, nginx, redis } = compose.services;
    assert.equal(api?.deploy?.replicas, 3);
    assert.equal(api?.ports, undefined, 'only nginx publishes the API');
    assert.equal(api?.environment?.REDIS_URL, 'redis://redis:6379');
    assert.equal(api?.environment?.TRUST_PROXY, 'true');
    assert.equal(api?.depends_on?.redis?.condition, 'service_healthy');
    assert.ok(redis, 'a redis service');
    assert.deepEqual(nginx?.ports, ['127.0.0.1:3000:8080']);
    assert.equal(
      read('ops/nginx/nginx.conf'),
      renderNginxConfig({ upstreams: ['api:3000'], listen: '0.0.0.0:8080' }),
      'ops/nginx/nginx.conf is rendered: pongctl nginx render --upstream api:3000 --out ops/nginx/nginx.conf',
    );
  });
});
