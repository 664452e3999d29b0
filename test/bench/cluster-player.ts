/**
 * A timing player for the cluster benchmarks: a `ws` socket that stamps every
 * game.state and `resumed` event on arrival, and times an input until the
 * first game.state whose lastSeq acknowledges it. Few sockets at a few dozen
 * frames a second: parsing them in the runner costs nothing that matters.
 */
import { WebSocket } from 'ws';
import { sleep } from './cluster-common.ts';

export interface StateStamp {
  at: number;
  tick: number;
  phase: string;
}

interface Waiter {
  seq: number;
  resolve(at: number, tick: number): void;
}

/** An acknowledged input: milliseconds to the frame, and that frame's tick (NaN for both when none came). */
export interface Ack {
  ms: number;
  tick: number;
}

export class TimedPlayer {
  readonly states: StateStamp[] = [];
  readonly resumed: { at: number; reason: string }[] = [];
  readonly #ws: WebSocket;
  #waiters: Waiter[] = [];
  #seq = 0;
  #closed = false;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => {
      const at = performance.now();
      const m = JSON.parse(String(data)) as {
        type: string;
        state?: { tick: number; phase: string; lastSeq?: number };
        event?: { type: string; reason?: string };
      };
      if (m.type === 'game.state' && m.state) {
        this.states.push({ at, tick: m.state.tick, phase: m.state.phase });
        const acked = m.state.lastSeq ?? 0;
        if (this.#waiters.length > 0 && this.#waiters[0]!.seq <= acked) {
          const done = this.#waiters.filter((w) => w.seq <= acked);
          this.#waiters = this.#waiters.filter((w) => w.seq > acked);
          for (const w of done) w.resolve(at, m.state.tick);
        }
      }
      if (m.type === 'game.event' && m.event?.type === 'resumed')
        this.resumed.push({ at, reason: m.event.reason ?? '' });
    });
    ws.on('close', () => (this.#closed = true));
    ws.on('error', () => undefined);
  }

  static connect(url: string, token: string): Promise<TimedPlayer> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/ws`, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      // The hello: the socket is authenticated and registered (presence counts it).
      ws.once('message', () => resolve(new TimedPlayer(ws)));
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(message: object): void {
    if (!this.#closed) this.#ws.send(JSON.stringify(message));
  }

  join(matchId: string): void {
    this.send({ type: 'game.join', matchId });
    this.send({ type: 'game.ready', matchId });
  }

  /** Resolves once a game.state shows one of these phases. */
  async until(phases: string[], timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!phases.includes(this.states.at(-1)?.phase ?? '')) {
      if (performance.now() > deadline)
        throw new Error(`no game.state in ${phases.join('/')} within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /**
   * Sends a key change now; resolves with the time to the first game.state
   * acknowledging it (lastSeq ≥ its seq) and that frame's tick, or NaN after `timeoutMs`.
   */
  input(matchId: string, timeoutMs = 2_000): Promise<Ack> {
    const seq = ++this.#seq;
    const dir = (seq % 3) - 1;
    const sent = performance.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve({ ms: Number.NaN, tick: Number.NaN });
      }, timeoutMs);
      const waiter: Waiter = {
        seq,
        resolve: (at, tick) => {
          clearTimeout(timer);
          resolve({ ms: at - sent, tick });
        },
      };
      this.#waiters.push(waiter);
      this.send({ type: 'game.input', matchId, seq, dir });
    });
  }

  close(): void {
    this.#ws.terminate();
  }
}
