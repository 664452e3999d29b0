/**
 * The Logstash pipeline, checked by a grammar since Logstash cannot run here
 * (documented limitation): it parses, uses only bundled plugins with unique
 * ids, writes to data streams with an API key from the environment, keeps
 * GeoIP behind a switch that is off by default — and the checker itself fails
 * on the mistakes it exists to catch.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkPipeline, LogstashSyntaxError } from '../../ops/logstash/grammar.ts';

const pipelineText = readFileSync(
  new URL('../../ops/logstash/pipeline/pong.conf', import.meta.url),
  'utf8',
);

function failsAt(src: string, pattern: RegExp): void {
  assert.throws(
    () => checkPipeline(src),
    (err: unknown) => err instanceof LogstashSyntaxError && pattern.test(err.message),
    `expected a syntax error matching ${pattern}`,
  );
}

describe('Logstash pipeline (grammar check; Logstash is not run here)', () => {
  const summary = checkPipeline(pipelineText);

  it('parses into input, filter and output with bundled plugins, each with a unique id', () => {
    assert.deepEqual(summary.sections, ['input', 'filter', 'output']);
    const ids = summary.plugins.map((p) => p.id);
    assert.ok(ids.every(Boolean), 'every plugin has an id (pipeline metrics and errors name it)');
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    const inputs = summary.plugins.filter((p) => p.section === 'input').map((p) => p.name);
    assert.deepEqual(inputs, ['gelf', 'tcp', 'beats', 'file']);
    assert.deepEqual(
      summary.plugins.filter((p) => p.section === 'output').map((p) => p.name),
      ['elasticsearch'],
    );
  });

  it('writes data streams with an API key from the environment, never a literal credential', () => {
    const output = pipelineText.slice(pipelineText.indexOf('output {'));
    assert.match(output, /api_key => "\$\{LOGSTASH_ES_API_KEY\}"/);
    assert.match(output, /data_stream => "true"/);
    assert.doesNotMatch(pipelineText, /(user|password) =>/);
    assert.deepEqual([...summary.envVars].sort(), [
      'LOGSTASH_ES_API_KEY',
      'LOGSTASH_ES_HOSTS',
      'PONG_GEOIP',
      'PONG_LOGS_NAMESPACE',
    ]);
  });

  it('routes every source to a pong dataset, and runs GeoIP only when PONG_GEOIP=true (default false)', () => {
    for (const dataset of ['pong.api', 'pong.postgres', 'pong.nginx'])
      assert.ok(
        pipelineText.includes(`"[data_stream][dataset]" => "${dataset}"`) || dataset === 'pong.api',
        dataset,
      );
    assert.match(pipelineText, /"\[@metadata\]\[geoip\]" => "\$\{PONG_GEOIP:false\}"/);
    const geoip = pipelineText.indexOf('geoip {');
    const guard = pipelineText.lastIndexOf('if [@metadata][geoip] == "true"', geoip);
    assert.ok(
      guard > 0 && geoip - guard < 120,
      'the geoip filter sits inside the PONG_GEOIP guard',
    );
    assert.ok(
      pipelineText.includes('gsub => ["[url][original]", "\\?.*$", ""]'),
      'query strings (reset tokens) are cut from nginx URLs',
    );
  });

  it('rejects unbalanced blocks, unknown plugins and codecs, unterminated strings, missing arrows and bad conditions', () => {
    failsAt('input { tcp { port => 5000 }', /end of file/);
    failsAt('input { tcp { port => 5000 } } }', /expected input, filter or output/);
    failsAt('filter { grokk { } }', /line 1: unknown filter plugin "grokk"/);
    failsAt('output { stdout { codec => jsn } }', /unknown codec "jsn"/);
    failsAt(
      'filter {\n mutate { add_field => { "a" => "b } }\n}',
      /line 2: unterminated double-quoted string/,
    );
    failsAt('filter { mutate { id "x" } }', /expected "=>" after id/);
    failsAt('filter { if ([a] == "b" { drop {} } }', /unbalanced "\(" in a condition/);
    failsAt('filter { if [a] == b { drop {} } }', /unexpected word "b" in a condition/);
    failsAt('filter { if { drop {} } }', /empty condition/);
    failsAt('filter { mutate { add_field => { "a" "b" } } }', /expected "=>" after hash key "a"/);
    failsAt('inputs { }', /expected input, filter or output/);
  });

  it('accepts the documented forms: else if chains, arrays, hashes, codecs with options, regex matches', () => {
    const ok = checkPipeline(`
      input { tcp { port => 5000 codec => json_lines { charset => "UTF-8" } } }
      filter {
        if [a] =~ /^x/ and ![b] { drop { id => "d1" } }
        else if [c] in ["x", "y"] { mutate { id => "m1" rename => { "a" => "b" } } }
        else { mutate { id => "m2" remove_field => ["a", "b"] } }
      }
      output { stdout { codec => rubydebug } }`);
    assert.deepEqual(
      ok.plugins.map((p) => p.name),
      ['tcp', 'drop', 'mutate', 'mutate', 'stdout'],
    );
  });
});
