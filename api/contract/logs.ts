/**
 * The log contract: the streams the API writes, their ECS `event.dataset`, and
 * the data streams they land in. The logger, the shipper, the Elasticsearch
 * templates, the Logstash pipeline and the Kibana objects all read this table.
 */

/** Every log stream of the API and the dataset it is written under. */
export const logStreams = {
  access: { dataset: 'pong.api', logger: 'access' },
  app: { dataset: 'pong.api', logger: 'app' },
  audit: { dataset: 'pong.audit', logger: 'audit' },
  game: { dataset: 'pong.game', logger: 'game' },
} as const;

export type LogStream = keyof typeof logStreams;

/** Datasets Logstash collects besides the API's own lines (PostgreSQL's log, nginx-style access logs). */
export const collectedDatasets = ['pong.postgres', 'pong.nginx'] as const;

/** Every dataset under logs-pong.*, in a stable order: each gets a template and a retention. */
export const logDatasets = ['pong.api', 'pong.audit', 'pong.game', ...collectedDatasets] as const;
export type LogDataset = (typeof logDatasets)[number];

/** Data streams follow the `logs-<dataset>-<namespace>` naming scheme. */
export function dataStreamName(dataset: string, namespace: string): string {
  return `logs-${dataset}-${namespace}`;
}

/** Index pattern that matches every pongctl data stream, in every namespace. */
export const pongLogsPattern = 'logs-pong.*';

/** ECS version the API's lines declare. */
export const ecsVersion = '8.17.0';
