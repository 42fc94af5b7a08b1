import { memoryStorage } from '../../lib/storage/memory.js';
import { scenarioSuite } from './suite.js';

// In-process: a second cache instance "over the same store" shares the store object (the default reopen).
scenarioSuite('memory', () => memoryStorage());
