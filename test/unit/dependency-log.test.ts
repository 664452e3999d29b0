import assert from 'node:assert/strict';
import { pino } from 'pino';
import {
  createDependencyLog,
  outageLineFilter,
  repeatGate,
} from '../../api/core/dependency-log.ts';
import { LogCapture } from '../support/server.ts';

describe('dependency log lines during an outage', () => {
  it('admits the first of a kind per interval and counts the ones it leaves out', () => {
    let now = 0;
    const gate = repeatGate(10_000, () => now);
    assert.equal(gate.admit('redis:ECONNREFUSED'), 0);
    assert.equal(gate.admit('redis:ECONNREFUSED'), undefined);
    assert.equal(gate.admit('postgresql:timeout'), 0, 'another kind is not held back');
    now = 9_999;
    assert.equal(gate.admit('redis:ECONNREFUSED'), undefined);
    now = 10_000;
    assert.equal(gate.admit('redis:ECONNREFUSED'), 2, 'the next line says two were left out');
  });

  it('writes a failure as one JSON line without a stack, once per cause per interval', () => {
    const capture = new LogCapture();
    const log = createDependencyLog(pino({ messageKey: 'message' }, capture));
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), {
      code: 'ECONNREFUSED',
    });
    for (let i = 0; i < 50; i++) log.failed('redis', refused, { 'redis.connection': 'pub' });
    log.driverWarning('postgresql', 'Acquire connection error: Error: timeout expired\n    at x');
    const lines = capture.lines();
    assert.equal(lines.length, 2, JSON.stringify(lines));
    assert.equal(lines[0]!['error.code'], 'ECONNREFUSED');
    assert.equal(lines[0]!['service.target.type'], 'redis');
    assert.equal(lines[1]!['error.message'], 'Acquire connection error: Error: timeout expired');
    assert.doesNotMatch(capture.chunks.join(''), /\bat x\b|stack/);
  });

  it('lets every line through except repeats of an outage', () => {
    const filter = outageLineFilter(repeatGate(10_000), (err) =>
      err instanceof Error && err.message === 'down' ? 'down' : undefined,
    );
    const outage = [{ err: new Error('down') }, 'tick failed'];
    assert.deepEqual(filter(outage), outage);
    assert.equal(filter(outage), undefined);
    const other = [{ err: new Error('a bug') }, 'tick failed'];
    assert.deepEqual(filter(other), other);
    assert.deepEqual(filter(other), other, 'other errors are never held back');
    assert.deepEqual(filter(['plain message']), ['plain message']);
  });
});
