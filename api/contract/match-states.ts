/**
 * The states of a match and the filters of match lists, as plain constants:
 * the contract's schemas are built from them, and the CLI validates its flags
 * with them without loading zod.
 */
export const matchStateValues = [
  'pending',
  'ready',
  'countdown',
  'playing',
  'finished',
  'aborted',
  'forfeited',
] as const;
/** What a match list can be filtered by: a state, or live (ready, countdown, playing) or ended (finished, aborted, forfeited). */
export const matchStateFilterValues = ['live', 'ended', ...matchStateValues] as const;
