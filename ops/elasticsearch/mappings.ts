/**
 * ECS mappings for the fields pongctl's logs carry (the API's lines, and what
 * the Logstash pipeline adds for PostgreSQL and nginx logs). Explicit so a
 * first document with an odd value cannot pick a wrong type; any other string
 * becomes a keyword (capped), never an analysed text field.
 */
const keyword = { type: 'keyword', ignore_above: 1024 } as const;
const text = { type: 'match_only_text' } as const;
const long = { type: 'long' } as const;

/** ECS field → mapping; dotted names are expanded into `properties` trees by `ecsMappings`. */
export const ecsFields: Record<string, Record<string, unknown>> = {
  '@timestamp': { type: 'date' },
  message: text,
  'ecs.version': keyword,
  'log.level': keyword,
  'log.logger': keyword,
  'log.file.path': keyword,
  'service.name': keyword,
  'service.version': keyword,
  'service.environment': keyword,
  'service.type': keyword,
  'event.dataset': keyword,
  'event.module': keyword,
  'event.kind': keyword,
  'event.category': keyword,
  'event.type': keyword,
  'event.action': keyword,
  'event.outcome': keyword,
  'event.reason': keyword,
  'event.duration': long,
  'event.original': { type: 'keyword', index: false, doc_values: false },
  'data_stream.type': { type: 'constant_keyword' },
  'data_stream.dataset': { type: 'constant_keyword' },
  'data_stream.namespace': { type: 'constant_keyword' },
  'trace.id': keyword,
  'user.id': keyword,
  'user.roles': keyword,
  'user.target.id': keyword,
  'http.request.method': keyword,
  'http.request.bytes': long,
  'http.response.status_code': long,
  'http.response.bytes': long,
  'http.route': keyword,
  'http.version': keyword,
  'url.path': { type: 'wildcard' },
  'url.full': { type: 'wildcard' },
  'url.domain': keyword,
  'user_agent.original': { ...keyword, fields: { text } },
  'source.ip': { type: 'ip' },
  'source.port': long,
  'client.ip': { type: 'ip' },
  'source.geo.location': { type: 'geo_point' },
  'source.geo.country_iso_code': keyword,
  'source.geo.city_name': keyword,
  'host.name': keyword,
  'host.hostname': keyword,
  'process.pid': long,
  'process.name': keyword,
  'error.id': keyword,
  'error.code': keyword,
  'error.type': keyword,
  'error.message': { ...text, fields: { keyword } },
  'error.stack_trace': { type: 'wildcard', fields: { text } },
  'postgresql.log.sql_state_code': keyword,
  'postgresql.log.query': { type: 'keyword', ignore_above: 8191 },
  'pong.match.id': keyword,
  'pong.match.kind': keyword,
  'pong.tournament.id': keyword,
  'pong.tournament.round': long,
  tags: keyword,
};

/** Expands dotted field names into nested `properties`, as Elasticsearch stores them. */
export function ecsMappings(): Record<string, unknown> {
  const properties: Record<string, any> = {};
  for (const [field, mapping] of Object.entries(ecsFields)) {
    const parts = field === '@timestamp' ? [field] : field.split('.');
    let node = properties;
    for (const part of parts.slice(0, -1)) {
      node[part] ??= { properties: {} };
      node = node[part].properties;
    }
    node[parts.at(-1)!] = mapping;
  }
  return {
    dynamic: true,
    date_detection: false,
    dynamic_templates: [
      {
        strings_as_keyword: {
          match_mapping_type: 'string',
          mapping: { type: 'keyword', ignore_above: 1024 },
        },
      },
    ],
    properties,
  };
}
