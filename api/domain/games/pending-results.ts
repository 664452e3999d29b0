/**
 * Where a match end waits while the database cannot store it: a durable
 * place that outlives the process. Each entry is the whole result (settings,
 * score, stats, timeline, input log) and the time the match ended, so storing
 * it later writes the true result. Entries are validated when read back: a
 * spool file or a Redis value is an edge.
 *
 * The spool here keeps one file per match under PONG_DATA_DIR/pending-results,
 * written to a temporary name, fsynced, renamed, and the directory fsynced,
 * so a crash leaves either the whole entry or none. Everything in it is
 * replayed at start; instances that share a data directory may both store an
 * entry, which the idempotent store makes harmless. The Redis store
 * (pending-results-redis.ts) is shared by instances.
 */
import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { MatchResult } from '../../game/runner-types.ts';

export interface PendingResult {
  result: MatchResult;
  /** When the match ended (epoch milliseconds): the stored ended_at. */
  endedAt: number;
}

export interface PendingResultStore {
  readonly name: string;
  /** Keeps the entry durably until released; resolves once it is safe. */
  hold(entry: PendingResult): Promise<void>;
  release(matchId: string): Promise<void>;
  /** Entries no live process is storing, now claimed by this one (dead holders, a previous run). */
  claimOrphans(): Promise<PendingResult[]>;
  /** Keeps this process's claims on the entries it is still storing (Redis). */
  renew(matchIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** The stored form; `v` lets a later version read what an older one left. */
const entrySchema = z.object({
  v: z.literal(1),
  endedAt: z.number().int().nonnegative(),
  result: z.looseObject({
    spec: z.looseObject({ id: z.uuid() }),
    decision: z.looseObject({
      outcome: z.enum(['finished', 'aborted', 'forfeited']),
      reason: z.string(),
      winnerSide: z.union([z.literal(0), z.literal(1), z.null()]),
    }),
    score: z.tuple([z.number().int(), z.number().int()]),
    ticks: z.number().int().nonnegative(),
    stats: z.looseObject({ timeline: z.array(z.unknown()) }).nullable(),
    inputLog: z.string().nullable(),
  }),
});

export function encodeEntry(entry: PendingResult): string {
  return JSON.stringify({ v: 1, endedAt: entry.endedAt, result: entry.result });
}

/** The entry, or an error saying why the text is not one. */
export function decodeEntry(text: string): PendingResult {
  const parsed = entrySchema.parse(JSON.parse(text));
  return { endedAt: parsed.endedAt, result: parsed.result as unknown as MatchResult };
}

const idPattern = /^[0-9a-f-]{36}$/i;
const staleTempMs = 10 * 60_000;

async function fsyncPath(target: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await open(target, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function createSpoolStore(options: {
  dataDir: string;
  onBadEntry: (file: string, err: unknown) => void;
}): PendingResultStore {
  const dir = path.join(options.dataDir, 'pending-results');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fileOf = (matchId: string) => {
    if (!idPattern.test(matchId)) throw new Error(`not a match id: ${matchId}`);
    return path.join(dir, `${matchId}.json`);
  };
  let replayed = false;
  return {
    name: 'spool',
    async hold(entry) {
      const file = fileOf(entry.result.spec.id);
      const temp = `${file}.tmp`;
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(encodeEntry(entry), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
      await fsyncPath(dir, 'r');
    },
    async release(matchId) {
      await unlink(fileOf(matchId)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      await fsyncPath(dir, 'r');
    },
    async claimOrphans() {
      // What an earlier run left, once: later entries are this run's own, already being stored.
      if (replayed) return [];
      replayed = true;
      const entries: PendingResult[] = [];
      for (const name of (await readdir(dir)).sort()) {
        const file = path.join(dir, name);
        if (name.endsWith('.tmp')) {
          // A crash before the rename left it (the result was never held); a young one may be another instance's write.
          const { mtimeMs } = await stat(file);
          if (Date.now() - mtimeMs > staleTempMs) await unlink(file).catch(() => undefined);
          continue;
        }
        if (!name.endsWith('.json')) continue;
        try {
          entries.push(decodeEntry(await readFile(file, 'utf8')));
        } catch (err) {
          options.onBadEntry(file, err);
          await rename(file, `${file}.bad`);
        }
      }
      return entries;
    },
    renew: async () => undefined,
    close: async () => undefined,
  };
}
