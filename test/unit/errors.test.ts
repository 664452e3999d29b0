import assert from 'node:assert/strict';
import { z } from 'zod';
import { AppError, errorCodes, errorTable } from '../../api/contract/errors.ts';
import { toAppError } from '../../api/core/errors.ts';

describe('AppError and toAppError', () => {
  it('maps every code through the one table', () => {
    const expected: Record<string, [number, number, number]> = {
      VALIDATION: [400, 2, 4400],
      UNAUTHENTICATED: [401, 4, 4401],
      FORBIDDEN: [403, 4, 4403],
      NOT_FOUND: [404, 3, 4404],
      CONFLICT: [409, 5, 4409],
      PAYLOAD_TOO_LARGE: [413, 2, 1009],
      RATE_LIMITED: [429, 6, 4429],
      UNAVAILABLE: [503, 6, 1013],
      CONFIG: [500, 78, 1011],
      INTERNAL: [500, 1, 1011],
    };
    for (const [code, [http, exit, ws]] of Object.entries(expected)) {
      const err = new AppError(code as never, 'x');
      assert.deepEqual([err.status, err.exitCode, err.wsCloseCode], [http, exit, ws], code);
    }
    for (const code of errorCodes) assert.ok(errorTable[code], code);
  });

  it('turns zod errors into VALIDATION with one entry per field', () => {
    const result = z
      .strictObject({ name: z.string(), age: z.number() })
      .safeParse({ name: 1, extra: true });
    assert.equal(result.success, false);
    const err = toAppError(result.error);
    assert.equal(err.code, 'VALIDATION');
    const paths = (err.details as { path: string }[]).map((d) => d.path).sort();
    assert.deepEqual(paths, ['', 'age', 'name']);
  });

  it('maps Postgres error codes', () => {
    assert.equal(toAppError({ code: '23505', constraint: 'users_key' }).code, 'CONFLICT');
    assert.equal(
      toAppError({ code: '23503', detail: 'Key (user_id)=(9) is not present in table "users".' })
        .code,
      'NOT_FOUND',
    );
    assert.equal(
      toAppError({ code: '23503', detail: 'Key (id)=(1) is still referenced from table "games".' })
        .code,
      'CONFLICT',
    );
    assert.equal(toAppError({ code: '22P02' }).code, 'VALIDATION');
    assert.equal(toAppError({ code: 'ECONNREFUSED' }).code, 'UNAVAILABLE');
    assert.equal(toAppError({ code: '57P01' }).code, 'UNAVAILABLE');
  });

  it('maps every way PostgreSQL, knex and Redis say "not now" to 503 with Retry-After', () => {
    const outages: unknown[] = [
      { code: 'ECONNREFUSED' },
      { code: '57014', message: 'canceling statement due to statement timeout' },
      { code: '08006' },
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), {
        name: 'KnexTimeoutError',
      }),
      new Error('Query read timeout'),
      new Error('Connection terminated due to connection timeout'),
      new Error('timeout expired'),
      new Error('Command timed out'),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ];
    for (const outage of outages) {
      const err = toAppError(outage);
      assert.equal(err.code, 'UNAVAILABLE', JSON.stringify(String(outage)));
      assert.equal(err.headers['Retry-After'], '5');
    }
  });

  it('never leaks an unknown error message', () => {
    const err = toAppError(new Error('password=hunter2 at db.internal'));
    assert.equal(err.code, 'INTERNAL');
    assert.doesNotMatch(err.message, /hunter2/);
  });

  it('keeps an AppError as it is', () => {
    const original = new AppError('CONFLICT', 'taken', { field: 'username' });
    assert.equal(toAppError(original), original);
  });
});
