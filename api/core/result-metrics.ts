/** game_results_pending: match ends held durably until the database stores them (api/domain/games/result-keeper.ts). */
import { Gauge, type Registry } from 'prom-client';
import { metrics as spec } from '../contract/metrics.ts';

export interface ResultMetrics {
  pending(count: number): void;
}

export function createResultMetrics(registry: Registry): ResultMetrics {
  const gauge = new Gauge({
    name: spec.gameResultsPending.name,
    help: spec.gameResultsPending.help,
    registers: [registry],
  });
  return { pending: (count) => gauge.set(count) };
}
