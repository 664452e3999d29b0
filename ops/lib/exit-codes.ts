/** Exit codes of `diff` verbs, as kubectl diff: 0 no differences, 1 differences, >1 error. */
export const diffExit = { same: 0, different: 1 } as const;
