/**
 * fast-check arbitraries of hostile input for the contract fuzz test: wrong
 * types, NUL characters, huge strings, deep objects, unknown keys and
 * `__proto__`, shaped after an endpoint's or a message's own fields so many
 * values get past the first check and reach the code behind it.
 */
import fc from 'fast-check';

/** Strings that have broken parsers, databases and path matchers before. */
const nastyStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '..',
  '../../etc/passwd',
  '%',
  '%00',
  '%E0%A4%A',
  '-1',
  '0',
  '1.5',
  '1e309',
  'NaN',
  'Infinity',
  'null',
  'true',
  '[]',
  '{}',
  '9'.repeat(40),
  '2026-02-31T00:00:00.000Z',
  '10000-01-01T00:00:00Z',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  "' OR 1=1 --",
  '\\',
  '\uFEFF',
  '\uD83D\uDE00',
  'e\u0301',
  '\u202Eabc',
] as const;

/** Hostile text; `huge` bounds the longest (URLs must stay under Node's 16 KiB header limit). */
export function hostileString(huge: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...nastyStrings),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constant('x'.repeat(huge)),
    fc.constant('\u0000'.repeat(64)),
  );
}

/** Object keys: ordinary ones, the prototype's, NUL and very long. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'a\u0000', '', 'k'.repeat(1_000)),
  fc.string({ maxLength: 8 }),
);

/** An object nested `depth` levels deep ({a:{a:…}}), or the same with arrays. */
const deep: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 50, max: 1_000 }), fc.boolean())
  .map(([depth, arrays]) => {
    let value: unknown = 'bottom';
    for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
    return value;
  });

/** An object from entries, keeping `__proto__` as an own key like JSON.parse does. */
function objectOf(entries: Array<[string, unknown]>): Record<string, unknown> {
  return Object.fromEntries(entries);
}

/** Any JSON value, nastier than fc.jsonValue: every kind of value above, nested a little or very deep. */
export function hostileValue(huge: number): fc.Arbitrary<unknown> {
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      hostileString(huge),
      fc.integer(),
      fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, 0.5),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 3 }).map(objectOf),
      deep,
    ),
  }));
  return value;
}

/** An object made of some of `keys` (and some hostile ones) with hostile values. */
export function hostileObject(
  keys: readonly string[],
  huge: number,
): fc.Arbitrary<Record<string, unknown>> {
  const key = keys.length > 0 ? fc.oneof(fc.constantFrom(...keys), hostileKey) : hostileKey;
  return fc.array(fc.tuple(key, hostileValue(huge)), { maxLength: keys.length + 2 }).map(objectOf);
}

/** Percent-encodes every byte of the UTF-8 text, so anything at all fits in a URL. */
export function encodeAll(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}
