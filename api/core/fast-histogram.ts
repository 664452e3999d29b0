/**
 * A labelled histogram and counter pair for the request path. prom-client's
 * `observe` costs ≈ 9 µs with labels; this records into plain arrays keyed by a
 * joined label string (≈ 0.2 µs) and hands prom-client the values at scrape time.
 */
import type { Registry } from 'prom-client';

interface Series {
  labels: Record<string, string>;
  buckets: Float64Array;
  sum: number;
  count: number;
}

interface CollectedValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

export class RequestHistogram {
  readonly #bounds: readonly number[];
  readonly #labelNames: readonly string[];
  readonly #series = new Map<string, Series>();

  constructor(labelNames: readonly string[], bounds: readonly number[]) {
    this.#labelNames = labelNames;
    this.#bounds = bounds;
  }

  /** Records one observation; label values in the order of labelNames. */
  observe(values: readonly string[], seconds: number): void {
    const key = values.join('\u0000');
    let series = this.#series.get(key);
    if (!series) {
      const labels: Record<string, string> = {};
      this.#labelNames.forEach((name, i) => (labels[name] = values[i] ?? ''));
      series = { labels, buckets: new Float64Array(this.#bounds.length), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    const bounds = this.#bounds;
    for (let i = 0; i < bounds.length; i++) if (seconds <= bounds[i]!) series.buckets[i]!++;
    series.sum += seconds;
    series.count++;
  }

  /** Registers `<histogram>` and a counter that shares the same counts. */
  register(
    registry: Registry,
    names: { histogram: string; histogramHelp: string; counter: string; counterHelp: string },
  ): void {
    registry.registerMetric({
      name: names.histogram,
      help: names.histogramHelp,
      type: 'histogram',
      get: async () => ({
        name: names.histogram,
        help: names.histogramHelp,
        type: 'histogram',
        aggregator: 'sum',
        values: this.#histogramValues(names.histogram),
      }),
      reset: () => this.#series.clear(),
    } as never);
    registry.registerMetric({
      name: names.counter,
      help: names.counterHelp,
      type: 'counter',
      get: async () => ({
        name: names.counter,
        help: names.counterHelp,
        type: 'counter',
        aggregator: 'sum',
        values: [...this.#series.values()].map((s) => ({ labels: s.labels, value: s.count })),
      }),
      reset: () => this.#series.clear(),
    } as never);
  }

  #histogramValues(name: string): CollectedValue[] {
    const out: CollectedValue[] = [];
    for (const s of this.#series.values()) {
      this.#bounds.forEach((le, i) =>
        out.push({
          labels: { ...s.labels, le },
          value: s.buckets[i]!,
          metricName: `${name}_bucket`,
        }),
      );
      out.push({
        labels: { ...s.labels, le: '+Inf' },
        value: s.count,
        metricName: `${name}_bucket`,
      });
      out.push({ labels: s.labels, value: s.sum, metricName: `${name}_sum` });
      out.push({ labels: s.labels, value: s.count, metricName: `${name}_count` });
    }
    return out;
  }
}
