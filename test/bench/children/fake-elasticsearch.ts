/** Bench child: the fake Elasticsearch (test/support/fake-elasticsearch.ts) without request recording, so `_bulk` costs only counting. */
import { FakeElasticsearch } from '../../support/fake-elasticsearch.ts';
import { announceReady, onStop } from './protocol.ts';

const fake = new FakeElasticsearch();
fake.record = false;
await fake.start();
onStop(() => fake.stop());
announceReady(fake.url);
