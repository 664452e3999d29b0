/**
 * The main-thread face of the PGlite worker: the `{query, waitReady, close}`
 * shape knex-pglite accepts as an external PGlite instance.
 */
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

export interface PgliteModules {
  pgliteWasmModule: WebAssembly.Module;
  initdbWasmModule: WebAssembly.Module;
}

let compiled: Promise<PgliteModules> | undefined;

/**
 * PGlite's WebAssembly, compiled once per process and handed to every worker.
 * A worker compiling its own copy (twice: initdb starts a second engine)
 * churns V8's process-wide JIT code space as workers come and go, which
 * intermittently crashes Node with SIGSEGV (nodejs/node#64500); modules the
 * main thread holds are shared, never freed and never compiled again.
 */
function pgliteModules(): Promise<PgliteModules> {
  const compile = async (file: string) =>
    WebAssembly.compile(await readFile(new URL(file, import.meta.resolve('@electric-sql/pglite'))));
  compiled ??= Promise.all([compile('./pglite.wasm'), compile('./initdb.wasm')]).then(
    ([pgliteWasmModule, initdbWasmModule]) => ({ pgliteWasmModule, initdbWasmModule }),
  );
  return compiled;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export interface PgliteResult {
  rows: Record<string, unknown>[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows: number;
}

/** Error as thrown by PGlite, rebuilt on this side with its Postgres fields. */
export class PgliteError extends Error {
  code?: string;
  detail?: string;
  constraint?: string;
}

function rebuildError(data: Record<string, unknown>): PgliteError {
  const err = new PgliteError(String(data.message));
  Object.assign(err, data);
  return err;
}

export class PgliteProxy {
  readonly waitReady: Promise<void>;
  #worker: Worker;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  constructor(dataDir: string) {
    this.#worker = new Worker(new URL('./pglite-worker.ts', import.meta.url), {
      workerData: { dataDir },
    });
    this.waitReady = new Promise((resolve, reject) => {
      this.#pending.set(0, { resolve: () => resolve(), reject });
    });
    this.#worker.on(
      'message',
      (msg: { id: number; result?: unknown; error?: Record<string, unknown> }) => {
        const pending = this.#pending.get(msg.id);
        if (!pending) return;
        this.#pending.delete(msg.id);
        if (msg.error) pending.reject(rebuildError(msg.error));
        else pending.resolve(msg.result);
      },
    );
    this.#worker.on('error', (err) => this.#failAll(err));
    this.#worker.on('exit', () => this.#failAll(new Error('database closed')));
    // The worker opens the database once it has the modules (the first message it reads).
    pgliteModules().then(
      (modules) => this.#worker.postMessage({ id: 0, kind: 'open', ...modules }),
      (err: Error) => this.#failAll(err),
    );
  }

  query(sql: string, params?: unknown[], options?: Record<string, unknown>): Promise<PgliteResult> {
    return this.#send({ kind: 'query', sql, params, options }) as Promise<PgliteResult>;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#send({ kind: 'close' });
    } finally {
      this.#closed = true;
      await this.#worker.terminate();
    }
  }

  #send(request: Record<string, unknown>): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('database closed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...request });
    });
  }

  #failAll(err: Error): void {
    this.#closed = true;
    for (const pending of this.#pending.values()) pending.reject(err);
    this.#pending.clear();
  }
}
