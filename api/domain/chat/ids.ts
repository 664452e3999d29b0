/** Chat ids of the contract (decimal strings) as the database keeps them (numbers). */
import { AppError } from '../../contract/errors.ts';

/** Parses a decimal id of the contract into the number the database uses. */
export function numericId(id: string): number {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new AppError('VALIDATION', 'The id is not valid', [
      { path: 'id', message: 'must be a positive decimal id', code: 'invalid_id' },
    ]);
  return n;
}
