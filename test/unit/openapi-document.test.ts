/**
 * The generated OpenAPI document says what the API does: exactly the declared
 * statuses, named components referenced rather than inlined, formats, no
 * tuples, and examples that the JSON Schema and the contract's zod schema accept.
 */
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { componentSchemas } from '../../api/contract/components.ts';
import { statusesOf, type Endpoint } from '../../api/contract/endpoint.ts';
import { apiVersion, endpoints } from '../../api/contract/index.ts';
import { buildOpenApi } from '../../api/contract/openapi.ts';
import { tagDescriptions } from '../../api/contract/tags.ts';

type Json = Record<string, any>;
const doc = buildOpenApi(endpoints, { version: apiVersion }) as Json;
const schemas = doc.components.schemas as Record<string, Json>;
const all = Object.values(endpoints) as Endpoint[];
const op = (e: Endpoint): Json => doc.paths[e.path][e.method.toLowerCase()];

function* nodes(value: unknown, where = '#'): Generator<[string, Json]> {
  if (!value || typeof value !== 'object') return;
  yield [where, value as Json];
  for (const [key, child] of Object.entries(value)) yield* nodes(child, `${where}/${key}`);
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
/** Validates against a schema of the document, its component references resolved. */
function problems(schema: Json, value: unknown): string[] {
  const validate = ajv.compile({ ...schema, components: { schemas } });
  return validate(value)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('OpenAPI document', () => {
  it('lists exactly the statuses each endpoint declares', () => {
    for (const endpoint of all) {
      const listed = Object.keys(op(endpoint).responses).map(Number).sort();
      assert.deepEqual(listed, [...statusesOf(endpoint)].sort(), endpoint.id);
    }
  });

  it('answers errors with the envelope, and 429 with Retry-After', () => {
    for (const endpoint of all) {
      for (const [status, response] of Object.entries(op(endpoint).responses as Json)) {
        if (Number(status) < 400) continue;
        const schema = response.content['application/json'].schema;
        assert.equal(schema.$ref, '#/components/schemas/ErrorEnvelope', `${endpoint.id} ${status}`);
        if (status === '429') assert.ok(response.headers['Retry-After'], endpoint.id);
      }
    }
  });

  it('gives every operation a description, its security and declared tags', () => {
    const declared = new Set((doc.tags as Json[]).map((t) => t.name));
    for (const tag of doc.tags as Json[])
      assert.equal(tag.description, tagDescriptions[tag.name as keyof typeof tagDescriptions]);
    for (const endpoint of all) {
      const o = op(endpoint);
      assert.ok(o.description.startsWith(endpoint.description ?? endpoint.summary), endpoint.id);
      assert.deepEqual(o.security, endpoint.auth === 'public' ? [] : [{ bearer: [] }], endpoint.id);
      for (const tag of o.tags) assert.ok(declared.has(tag), `${endpoint.id}: tag ${tag}`);
    }
    assert.deepEqual(doc.servers[0], {
      url: '/',
      description: 'The server that serves this document',
    });
  });

  it('names the shared shapes once and refers to them instead of inlining them', () => {
    const named = new Map(Object.entries(schemas).map(([name, s]) => [JSON.stringify(s), name]));
    for (const name of Object.keys(componentSchemas)) assert.ok(schemas[name], name);
    const referenced = new Set<string>();
    for (const [where, node] of nodes(doc.paths, '#/paths')) {
      if (typeof node.$ref === 'string') referenced.add(node.$ref.split('/').pop()!);
      const inlined = named.get(JSON.stringify(node));
      assert.equal(inlined, undefined, `${where} inlines ${inlined}`);
    }
    for (const name of Object.keys(componentSchemas))
      assert.ok(referenced.has(name), `${name} is referenced`);
  });

  it('writes pairs without prefixItems, and timestamps, ids and emails with their format', () => {
    for (const [where, node] of nodes(doc)) {
      assert.equal(node.prefixItems, undefined, where);
      assert.notEqual(node.items, false, where);
    }
    const match = schemas.Match!.properties;
    assert.deepEqual(match.score.minItems, 2);
    assert.deepEqual(match.score.maxItems, 2);
    assert.equal(match.players.items.$ref, '#/components/schemas/MatchPlayer');
    assert.equal(match.createdAt.format, 'date-time');
    assert.equal(match.id.format, 'uuid');
    assert.equal(schemas.Profile!.properties.email.anyOf[0].format, 'email');
    for (const [where, node] of nodes(doc)) {
      for (const [name, property] of Object.entries((node.properties ?? {}) as Json)) {
        if (!/At$/.test(name) || !property || typeof property !== 'object') continue;
        const format = property.format ?? property.anyOf?.find((s: Json) => s.format)?.format;
        assert.equal(format, 'date-time', `${where}/properties/${name}`);
      }
    }
  });

  it('has an example on every JSON request body and success response that both schemas accept', () => {
    const wrong: string[] = [];
    let bodies = 0;
    let responses = 0;
    for (const endpoint of all) {
      const o = op(endpoint);
      const body = o.requestBody?.content['application/json'];
      if (endpoint.body) {
        wrong.push(...problems(body.schema, body.example).map((p) => `${endpoint.id} body ${p}`));
        if (!endpoint.body.safeParse(body.example).success) wrong.push(`${endpoint.id} body (zod)`);
        bodies++;
      }
      const media = o.responses[String(endpoint.status ?? 200)].content;
      const [type, content] = Object.entries(media as Json)[0]!;
      if (!/json|text/.test(type)) continue;
      if (content.example === undefined) wrong.push(`${endpoint.id} has no response example`);
      wrong.push(...problems(content.schema, content.example).map((p) => `${endpoint.id} ${p}`));
      const data = endpoint.raw ? content.example : content.example.data;
      if (!endpoint.response.safeParse(data).success) wrong.push(`${endpoint.id} response (zod)`);
      responses++;
    }
    assert.deepEqual(wrong, []);
    assert.equal(bodies, all.filter((e) => e.body).length);
    // Every success response but the avatar image, which is binary.
    assert.equal(responses, all.length - 1);
  });
});
