/**
 * `axios-stash/testing`: the CacheStore conformance suite, for checking a store of your own (or a
 * Keyv adapter behind keyvStorage) against the contract every built-in backend passes. Node only;
 * no runtime dependency beyond node:assert (and node:test when no mocha globals exist).
 */
export { storeConformance, type ConformanceOptions, type RawAccess, type Collection, type TestFunctions } from './testing/conformance.js';
