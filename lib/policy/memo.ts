/**
 * Memoises a pure function of one object argument, keyed by that object's identity. A stored
 * entry's headers are parsed once per entry rather than on every hit: memory storage hands the
 * same entry object to every lookup, and entries are never mutated (a 304 makes a new copy).
 * Non-object arguments are computed every time.
 */
export function memoByObject<A, R>(fn: (arg: A) => R): (arg: A) => R {
  const memo = new WeakMap<object, R>();
  return (arg: A): R => {
    if (typeof arg !== 'object' || arg === null) return fn(arg);
    const cached = memo.get(arg);
    if (cached !== undefined || memo.has(arg)) return cached as R;
    const result = fn(arg);
    memo.set(arg, result);
    return result;
  };
}
