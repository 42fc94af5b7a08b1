/**
 * The cache's one source of time, in ms since the epoch. Every request reads it once and passes
 * `now` down (the policy never reads a clock itself), so specs move time instead of sleeping.
 */
export type Clock = () => number;

/** The wall clock: the default everywhere. Tests inject their own through `attachCache`. */
export const systemClock: Clock = () => Date.now();
