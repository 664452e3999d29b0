import assert from 'node:assert/strict';
import { loadConfig } from '../../api/core/config.ts';
import { AppError } from '../../api/contract/errors.ts';

function problems(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'CONFIG');
    return err.details as { variable: string; message: string }[];
  }
  assert.fail('expected a CONFIG error');
}

describe('loadConfig', () => {
  it('applies documented defaults to an empty environment', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.dataDir, './.data');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.jwtSecret, undefined);
    assert.equal(config.redisUrl, undefined);
    assert.deepEqual(config.corsOrigins, []);
    assert.equal(config.bodyLimitBytes, 1048576);
    assert.equal(config.shutdownTimeoutMs, 10000);
    assert.equal(config.trustProxy, false);
    assert.equal(config.accessLog, true);
  });

  it('parses every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u@db:5432/pong',
      PONG_DATA_DIR: '/var/lib/pong',
      LOG_LEVEL: 'debug',
      PONG_JWT_SECRET: 'x'.repeat(32),
      REDIS_URL: 'redis://127.0.0.1:6379',
      CORS_ORIGINS: 'https://a.example, http://localhost:5173',
      BODY_LIMIT_BYTES: '2048',
      SHUTDOWN_TIMEOUT_MS: '500',
      DATABASE_POOL_MAX: '3',
      TRUST_PROXY: 'yes',
      ACCESS_LOG: 'off',
      NODE_ENV: 'production',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.databaseUrl, 'postgres://u@db:5432/pong');
    assert.equal(config.dataDir, '/var/lib/pong');
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.jwtSecret, 'x'.repeat(32));
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.deepEqual(config.corsOrigins, ['https://a.example', 'http://localhost:5173']);
    assert.equal(config.bodyLimitBytes, 2048);
    assert.equal(config.shutdownTimeoutMs, 500);
    assert.equal(config.databasePoolMax, 3);
    assert.equal(config.trustProxy, true);
    assert.equal(config.accessLog, false);
    assert.equal(config.nodeEnv, 'production');
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.corsOrigins));
  });

  it('treats empty strings as unset', () => {
    assert.equal(loadConfig({ PORT: '' }).port, 3000);
  });

  it('reports every problem at once, each with its variable', () => {
    const found = problems({
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
      PONG_JWT_SECRET: 'short',
      CORS_ORIGINS: 'ftp://x',
    });
    assert.deepEqual(found.map((p) => p.variable).sort(), [
      'CORS_ORIGINS',
      'DATABASE_URL',
      'LOG_LEVEL',
      'PONG_JWT_SECRET',
      'PORT',
    ]);
    assert.match(found.find((p) => p.variable === 'PORT')!.message, /whole number/);
  });

  it('rejects ports out of range and fractional numbers', () => {
    assert.deepEqual(
      problems({ PORT: '70000' }).map((p) => p.variable),
      ['PORT'],
    );
    assert.deepEqual(
      problems({ PORT: '80.5' }).map((p) => p.variable),
      ['PORT'],
    );
    assert.deepEqual(
      problems({ BODY_LIMIT_BYTES: '0' }).map((p) => p.variable),
      ['BODY_LIMIT_BYTES'],
    );
  });

  it('parses booleans safely: only the documented words, never truthy strings', () => {
    for (const yes of ['true', '1', 'yes', 'on'])
      assert.equal(loadConfig({ TRUST_PROXY: yes }).trustProxy, true);
    for (const no of ['false', '0', 'no', 'off'])
      assert.equal(loadConfig({ TRUST_PROXY: no }).trustProxy, false);
    for (const bad of ['TRUE ', 'y', 'enabled', 'false!']) {
      assert.deepEqual(
        problems({ TRUST_PROXY: bad }).map((p) => p.variable),
        ['TRUST_PROXY'],
        bad,
      );
    }
  });

  it('accepts memory:// as the test database', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'memory://' }).databaseUrl, 'memory://');
  });
});
