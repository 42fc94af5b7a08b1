/**
 * Which test functions the conformance suite registers its tests with: those given, else the global
 * `describe`/`it` (mocha's), else node:test's.
 */

/** A test body; the suite's bodies take no argument (mocha would read one as a `done` callback). */
export type TestBody = (this: unknown) => Promise<void>;

export interface TestFunctions {
  describe: (name: string, fn: () => void) => unknown;
  it: ((name: string, fn: TestBody) => unknown) & { skip?: (name: string, fn: TestBody) => unknown };
  /** Runs `options.setup` once before the suite's tests, when given. */
  before?: (fn: () => Promise<void>) => unknown;
  /** Runs `options.teardown` once after the suite's tests, when given. */
  after?: (fn: () => Promise<void>) => unknown;
  /** Accepted for symmetry with mocha and node:test; unused (each test cleans up its own stores). */
  afterEach?: (fn: () => Promise<void>) => unknown;
}

type Loose = Partial<Record<keyof TestFunctions, unknown>>;

function pick(source: Loose): TestFunctions {
  return {
    describe: source.describe as TestFunctions['describe'],
    it: source.it as TestFunctions['it'],
    before: typeof source.before === 'function' ? (source.before as TestFunctions['before']) : undefined,
    after: typeof source.after === 'function' ? (source.after as TestFunctions['after']) : undefined,
  };
}

export function resolveTestFunctions(given?: Partial<TestFunctions>): TestFunctions {
  if (given !== undefined) {
    if (typeof given.describe !== 'function' || typeof given.it !== 'function') {
      throw new TypeError('storeConformance: options.test must hold `describe` and `it` functions');
    }
    return pick(given);
  }
  const globals = globalThis as Loose;
  if (typeof globals.describe === 'function' && typeof globals.it === 'function') return pick(globals);
  // Not under mocha: node:test (loaded only now, so running under mocha never touches it).
  const nodeTest = process.getBuiltinModule?.('node:test') as Loose | undefined;
  if (nodeTest === undefined) {
    throw new TypeError('storeConformance: no test functions: pass options.test ({ describe, it }) or run under mocha or node:test (Node >= 20.16)');
  }
  return pick(nodeTest);
}

/**
 * Registers a test with a time limit: mocha's `this.timeout()` when the framework offers it
 * (node:test has no default limit). The body always has arity 0.
 */
export function register(t: TestFunctions, name: string, timeoutMs: number, body: () => Promise<void>, skip = false): void {
  const fn: TestBody = function (this: unknown) {
    const context = this as { timeout?: (ms: number) => void } | undefined;
    if (typeof context?.timeout === 'function') context.timeout(timeoutMs);
    return body();
  };
  // A test a backend opted out of is not registered at all: a skipped test left in a report
  // reads as unfinished work.
  if (skip) return;
  t.it(name, fn);
}
