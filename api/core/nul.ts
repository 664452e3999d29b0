/**
 * PostgreSQL refuses the NUL character (U+0000) in text and jsonb, so no input
 * may carry one. Edges check every parsed input once, where the contract's
 * schemas parse it (HTTP params, query, body; WebSocket messages; cursors),
 * and answer VALIDATION naming the field, instead of each schema doing it.
 */
import { AppError } from '../contract/errors.ts';

/**
 * The dotted path of the first string or object key holding a NUL, '' for the
 * value itself, undefined when there is none. Iterative, so a deeply nested
 * body cannot exhaust the stack.
 */
export function nulPath(value: unknown): string | undefined {
  const pending: Array<[unknown, string]> = [[value, '']];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, path] = next;
    if (typeof item === 'string') {
      if (item.includes('\0')) return path;
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        const childPath = path === '' ? key : `${path}.${key}`;
        if (key.includes('\0')) return childPath;
        pending.push([child, childPath]);
      }
    }
  }
  return undefined;
}

/** The VALIDATION error for a NUL anywhere in `value`, else undefined; `location` (params, query, body) prefixes the field's path. */
export function nulError(value: unknown, location?: string): AppError | undefined {
  const path = nulPath(value);
  if (path === undefined) return undefined;
  const field = [location, path].filter(Boolean).join('.');
  return new AppError('VALIDATION', `${field || 'The input'} must not contain the NUL character`, [
    { path: field, message: 'must not contain the NUL character (U+0000)', code: 'invalid_string' },
  ]);
}
