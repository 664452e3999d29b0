// The access log's pre-serialised writer must write what pino would: same keys, values and order.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, preSerialisedLine, streamLoggers } from '../../api/core/logger.ts';

function capture(level: string): {
  lines: string[];
  access: ReturnType<typeof streamLoggers>['access'];
} {
  const lines: string[] = [];
  const destination = new Writable({
    decodeStrings: false,
    write: (chunk: string, _enc, done) => (lines.push(chunk), done()),
  });
  const root = createLogger({
    level,
    service: { name: 'pongctl-api', version: '1.2.3', environment: 'test' },
    destination,
  });
  return { lines, access: streamLoggers(root).access };
}

const withoutTime = (line: string) => line.replace(/"@timestamp":"[^"]+"/, '"@timestamp":"T"');

describe('preSerialisedLine', () => {
  it('writes the line pino writes for the same fields, byte for byte but the timestamp', () => {
    const { lines, access } = capture('info');
    const fields = {
      'http.request.method': 'GET',
      'http.route': '/api/v1/users/{username}',
      'http.response.status_code': 503,
      'event.duration': 1234,
      'trace.id': 'abc-123',
    };
    access.error(fields, 'request');
    preSerialisedLine(access, 'request')('error', `,${JSON.stringify(fields).slice(1, -1)}`);
    assert.equal(lines.length, 2);
    assert.equal(withoutTime(lines[1]!), withoutTime(lines[0]!));
    const parsed = JSON.parse(lines[1]!) as Record<string, unknown>;
    assert.equal(parsed['log.level'], 'error');
    assert.equal(parsed['event.dataset'], 'pong.api');
    assert.equal(parsed['log.logger'], 'access');
    assert.match(String(parsed['@timestamp']), /^\d{4}-\d\d-\d\dT/);
  });

  it('follows the logger level, also when it changes', () => {
    const { lines, access } = capture('warn');
    const line = preSerialisedLine(access, 'request');
    line('info', ',"a":1');
    assert.equal(lines.length, 0);
    line('error', ',"a":1');
    assert.equal(lines.length, 1);
    access.level = 'silent';
    line('error', ',"a":1');
    assert.equal(lines.length, 1);
  });
});
