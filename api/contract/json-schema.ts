/**
 * zod → JSON Schema for the generated documents (OpenAPI, AsyncAPI), in a form
 * that linters, validating proxies and client generators read as it is: a pair
 * (a tuple of one schema) becomes one item schema with minItems = maxItems, and
 * a value with a well-known `format` drops zod's long equivalent `pattern`.
 */
import { z } from 'zod';

export type Json = Record<string, unknown>;

const formatsWithoutPattern = new Set(['date-time', 'uuid', 'email']);

function simplify(json: Json): void {
  const items = (json.prefixItems ?? (Array.isArray(json.items) ? json.items : undefined)) as
    unknown[] | undefined;
  if (
    items &&
    items.length > 0 &&
    items.every((i) => JSON.stringify(i) === JSON.stringify(items[0]))
  ) {
    delete json.prefixItems;
    delete json.additionalItems;
    json.items = items[0];
    json.minItems = items.length;
    json.maxItems = items.length;
  }
  if (typeof json.format === 'string' && formatsWithoutPattern.has(json.format))
    delete json.pattern;
}

export interface JsonSchemaOptions {
  target: 'draft-7' | 'draft-2020-12';
  io: 'input' | 'output';
  /** Named schemas: each is written once under `$defs` and referenced. */
  metadata?: z.core.$ZodRegistry<{ id?: string }>;
}

/** One schema as JSON Schema, without `$schema`. */
export function toJsonSchema(schema: z.ZodType, options: JsonSchemaOptions): Json {
  const json = z.toJSONSchema(schema, {
    target: options.target,
    io: options.io,
    unrepresentable: 'any',
    ...(options.metadata ? { metadata: options.metadata } : {}),
    override: (ctx) => simplify(ctx.jsonSchema as Json),
  }) as Json;
  delete json.$schema;
  return json;
}
