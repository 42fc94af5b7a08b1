import { memoryStorage } from '../../lib/storage/memory.js';
import { storeConformance } from './conformance.js';

// memoryStorage keeps entries as objects (no envelope, nothing raw to corrupt) and each call is a
// separate cache, so the raw-value and two-instance tests do not apply.
storeConformance('memory', () => memoryStorage({ maxEntries: 10_000 }), { ttlGranularity: 100 });
