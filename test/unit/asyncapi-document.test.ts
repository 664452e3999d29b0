/** Every message of the AsyncAPI document carries an example its zod schema accepts, and no tuples. */
import assert from 'node:assert/strict';
import { buildAsyncApi } from '../../api/contract/asyncapi.ts';
import { apiVersion } from '../../api/contract/index.ts';
import { messages } from '../../api/contract/messages.ts';

type Json = Record<string, any>;

describe('AsyncAPI document', () => {
  const doc = buildAsyncApi(messages, { version: apiVersion }) as Json;

  it('gives every message an example that its schema accepts', () => {
    const wrong: string[] = [];
    for (const spec of Object.values(messages)) {
      const examples = doc.components.messages[spec.type].examples as Json[];
      if (!examples?.length) wrong.push(`${spec.type} has no example`);
      for (const example of examples ?? [])
        if (!spec.schema.safeParse(example.payload).success) wrong.push(`${spec.type} example`);
    }
    assert.deepEqual(wrong, []);
  });

  it('writes pairs as one item schema with two items, not as a tuple', () => {
    const text = JSON.stringify(doc);
    assert.doesNotMatch(text, /"prefixItems"|"additionalItems"|"items":\[/);
    const view = doc.components.messages['game.state'].payload;
    assert.deepEqual(
      [
        view.properties.state.properties.paddles.minItems,
        view.properties.state.properties.paddles.maxItems,
      ],
      [2, 2],
    );
  });
});
