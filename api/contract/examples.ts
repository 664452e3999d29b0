/**
 * Example values for the generated documents, derived from the JSON Schema of
 * each body and response so that every operation shows one and none can drift
 * from its schema (a test validates each against both the JSON Schema and the
 * contract's zod schema). Strings take a plausible value by property name and
 * format; an endpoint whose rules a schema cannot say gives its own (`examples`).
 */
import type { Json } from './json-schema.ts';

const byName: Record<string, string> = {
  username: 'ada',
  login: 'ada',
  opponent: 'grace',
  winner: 'ada',
  displayName: 'Ada',
  alias: 'Ada',
  email: 'ada@example.com',
  password: 'correct horse battery',
  currentPassword: 'correct horse battery',
  newPassword: 'staple battery horse',
  name: 'friday-cup',
  title: 'Maintenance tonight',
  bio: 'Plays left-handed.',
  body: 'Good game!',
  message: 'Good game!',
  reason: 'points',
  code: '123456',
  nextCursor: 'eyJpZCI6NDJ9',
  cursor: 'eyJpZCI6NDJ9',
};

const byFormat: Record<string, string> = {
  'date-time': '2026-05-04T18:30:00.000Z',
  date: '2026-05-04',
  uuid: '0b9f6b8e-6a43-4d4f-9a64-2f3c1c6d9e21',
  email: 'ada@example.com',
  uri: 'https://pong.example.com/api/v1/users/ada/avatar',
};

const candidates = ['ada', '42', 'world', '2026-05-04', 'example', 'a1b2c3d4e5f6', 'ABCDEFGH'];

function fits(value: string, schema: Json): boolean {
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) return false;
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return false;
  return typeof schema.pattern !== 'string' || new RegExp(schema.pattern, 'u').test(value);
}

function stringExample(schema: Json, name: string): string {
  if (typeof schema.format === 'string' && byFormat[schema.format]) return byFormat[schema.format]!;
  const tried = [byName[name], ...candidates].filter((v): v is string => v !== undefined);
  const fit = tried.find((v) => fits(v, schema));
  if (fit) return fit;
  const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
  return 'x'.repeat(min);
}

function numberExample(schema: Json, integer: boolean): number {
  const min = typeof schema.minimum === 'number' ? schema.minimum : -Infinity;
  const max = typeof schema.maximum === 'number' ? schema.maximum : Infinity;
  const exclusiveMin =
    typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : -Infinity;
  const value = Math.min(max, Math.max(min, exclusiveMin + (integer ? 1 : 0.5), integer ? 1 : 1.5));
  return integer ? Math.round(value) : value;
}

type Resolve = (ref: string) => unknown;

function arrayExample(schema: Json, name: string, resolve: Resolve): unknown[] {
  const count = typeof schema.minItems === 'number' ? Math.max(1, schema.minItems) : 1;
  if (schema.maxItems === 0 || !schema.items || typeof schema.items !== 'object') return [];
  return Array.from({ length: count }, () => exampleOf(schema.items as Json, resolve, name));
}

function objectExample(schema: Json, resolve: Resolve): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, property] of Object.entries((schema.properties ?? {}) as Record<string, Json>))
    out[key] = exampleOf(property, resolve, key);
  return out;
}

/** A value valid for `schema`; `resolve` gives the example of a `$ref`erenced component. */
export function exampleOf(schema: Json, resolve: Resolve, name = ''): unknown {
  if (typeof schema.$ref === 'string') return resolve(schema.$ref);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('default' in schema) return schema.default;
  const union = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (union) {
    const choice = union.find((s) => s.type !== 'null') ?? union[0]!;
    return exampleOf(choice, resolve, name);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0)
    return exampleOf(schema.allOf[0] as Json, resolve, name);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return objectExample(schema, resolve);
    case 'array':
      return arrayExample(schema, name, resolve);
    case 'string':
      return stringExample(schema, name);
    case 'integer':
      return numberExample(schema, true);
    case 'number':
      return numberExample(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}
