/**
 * The shipper's bounded buffer of log lines: a FIFO capped by line count and
 * by bytes. Pushing beyond either cap drops the OLDEST lines (the newest say
 * most about a current outage) and reports how many were dropped, so memory
 * stays bounded however long Elasticsearch is away.
 */
export interface BoundedQueueOptions {
  maxEntries: number;
  maxBytes: number;
}

export class BoundedLineQueue {
  readonly maxEntries: number;
  readonly maxBytes: number;
  #items: string[] = [];
  #head = 0;
  #bytes = 0;

  constructor(options: BoundedQueueOptions) {
    this.maxEntries = options.maxEntries;
    this.maxBytes = options.maxBytes;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Approximate memory held: UTF-16 string length, two bytes per unit. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends one line; returns how many old lines were dropped to make room. */
  push(line: string): number {
    this.#items.push(line);
    this.#bytes += line.length * 2;
    return this.#trim();
  }

  /** Removes and returns up to `count` of the oldest lines. */
  take(count: number): string[] {
    const end = Math.min(this.#items.length, this.#head + count);
    const batch = this.#items.slice(this.#head, end);
    this.#head = end;
    for (const line of batch) this.#bytes -= line.length * 2;
    this.#compact();
    return batch;
  }

  /** Puts a batch that failed back in front (it is older than everything queued); returns lines dropped. */
  unshift(batch: readonly string[]): number {
    this.#items = [...batch, ...this.#items.slice(this.#head)];
    this.#head = 0;
    for (const line of batch) this.#bytes += line.length * 2;
    return this.#trim();
  }

  #trim(): number {
    let dropped = 0;
    while (this.length > 0 && (this.length > this.maxEntries || this.#bytes > this.maxBytes)) {
      this.#bytes -= this.#items[this.#head]!.length * 2;
      this.#head++;
      dropped++;
    }
    if (dropped > 0) this.#compact();
    return dropped;
  }

  /** Reclaims the consumed prefix once it is at least half the array, so shifting stays O(1) amortised. */
  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
