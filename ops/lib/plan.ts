/**
 * The plan/diff/apply engine every ops target shares (alerts, grafana, kibana,
 * logs retention): compare desired objects with live ones by id, print the
 * plan like `kubectl diff`, apply it idempotently and report what changed.
 */
import { canonicalJson } from './canonical.ts';
import { unifiedDiff } from './line-diff.ts';

export type ChangeAction = 'create' | 'update' | 'delete' | 'unchanged';

export interface Change<T = unknown> {
  /** Object kind, e.g. `dashboard`, `ilm-policy`, `rule-file`. */
  kind: string;
  id: string;
  action: ChangeAction;
  desired?: T;
  live?: T;
  /** Unified diff lines of the normalised JSON (empty for unchanged). */
  diff: string[];
}

export interface PlanOptions<T> {
  /** Drop server-added fields before comparing (ids, versions, timestamps). */
  normalize?: (object: T) => unknown;
  /** Also plan deletion of live objects that are not desired. */
  prune?: boolean;
}

/** Compares desired and live objects of one kind, keyed by id. */
export function planChanges<T>(
  kind: string,
  desired: Map<string, T>,
  live: Map<string, T>,
  options: PlanOptions<T> = {},
): Change<T>[] {
  const normalize = options.normalize ?? ((o: T) => o);
  const changes: Change<T>[] = [];
  for (const [id, want] of [...desired].sort(([a], [b]) => a.localeCompare(b))) {
    const have = live.get(id);
    const after = canonicalJson(normalize(want));
    if (have === undefined) {
      changes.push({ kind, id, action: 'create', desired: want, diff: unifiedDiff('', after) });
      continue;
    }
    const before = canonicalJson(normalize(have));
    const diff = before === after ? [] : unifiedDiff(before, after);
    changes.push({
      kind,
      id,
      action: diff.length ? 'update' : 'unchanged',
      desired: want,
      live: have,
      diff,
    });
  }
  if (options.prune) {
    for (const [id, have] of [...live].sort(([a], [b]) => a.localeCompare(b))) {
      if (desired.has(id)) continue;
      changes.push({
        kind,
        id,
        action: 'delete',
        live: have,
        diff: unifiedDiff(canonicalJson(normalize(have)), ''),
      });
    }
  }
  return changes;
}

export function hasDifferences(changes: readonly Change[]): boolean {
  return changes.some((c) => c.action !== 'unchanged');
}

const symbols: Record<ChangeAction, string> = {
  create: '+',
  update: '~',
  delete: '-',
  unchanged: '=',
};

/** Human-readable plan: one header per changed object followed by its diff. */
export function renderPlan(
  changes: readonly Change[],
  options: { color: boolean; showUnchanged?: boolean },
): string {
  const paint = (code: number, text: string) =>
    options.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  const lines: string[] = [];
  for (const change of changes) {
    if (change.action === 'unchanged' && !options.showUnchanged) continue;
    lines.push(
      paint(1, `${symbols[change.action]} ${change.kind} ${change.id} (${change.action})`),
    );
    for (const line of change.diff) {
      lines.push(
        line.startsWith('+') ? paint(32, line) : line.startsWith('-') ? paint(31, line) : line,
      );
    }
  }
  const counts = summarize(changes);
  lines.push(
    `${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete, ${counts.unchanged} unchanged`,
  );
  return lines.join('\n');
}

export function summarize(changes: readonly Change[]): Record<ChangeAction, number> {
  const counts: Record<ChangeAction, number> = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const change of changes) counts[change.action]++;
  return counts;
}

/** The machine-readable plan `-o json` prints. */
export function planJson(changes: readonly Change[]): unknown {
  return {
    summary: summarize(changes),
    changes: changes.map(({ kind, id, action, diff }) => ({ kind, id, action, diff })),
  };
}

export interface ApplyHandlers<T> {
  create(change: Change<T>): Promise<void>;
  update(change: Change<T>): Promise<void>;
  delete?(change: Change<T>): Promise<void>;
}

export interface ApplyResult {
  applied: { kind: string; id: string; action: ChangeAction }[];
  unchanged: number;
}

/** Applies a plan in order; unchanged objects are not touched. Stops at the first failure. */
export async function applyChanges<T>(
  changes: readonly Change<T>[],
  handlers: ApplyHandlers<T>,
  options: { dryRun?: boolean } = {},
): Promise<ApplyResult> {
  const result: ApplyResult = { applied: [], unchanged: 0 };
  for (const change of changes) {
    if (change.action === 'unchanged') {
      result.unchanged++;
      continue;
    }
    if (!options.dryRun) {
      if (change.action === 'delete') {
        if (!handlers.delete) throw new Error(`${change.kind} objects cannot be deleted`);
        await handlers.delete(change);
      } else {
        await handlers[change.action](change);
      }
    }
    result.applied.push({ kind: change.kind, id: change.id, action: change.action });
  }
  return result;
}
