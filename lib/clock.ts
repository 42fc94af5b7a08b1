/**
 * The cache's one source of time, in ms since the epoch. Every request reads it once and passes
 * `now` down (the policy never reads a clock itself), so specs move time instead of sleeping.
 */
export type Clock = () => number;

/** The wall clock: the default everywhere. Tests inject their own through `attachCache`. */
export const systemClock: Clock = () => Date.now();

/**
 * Real elapsed time in ms, for what happens on real timers (store time-outs, lease waits, rate
 * limits, event durations), never for cache decisions: those read the cache's clock. Monotonic
 * where `performance` exists (Node, browsers), so a wall-clock step cannot stretch a time-out.
 */
export const elapsedClock: Clock =
  typeof performance !== 'undefined' && typeof performance.now === 'function' ? () => performance.now() : systemClock;
