/**
 * `npm run bench`: every figure the project reports, as ratios within one run.
 * BENCH_ROUNDS (default 7) and BENCH_SCALE (default 1) size it; BENCH_ONLY=memory,... picks parts;
 * BENCH_ENTRIES sizes the large store of the goals' "hit cost vs entries" (default 20000).
 */
import { backendsBench } from './backends.js';
import { goalsBench } from './goals.js';
import { memoryBench } from './memory.js';
import { revalidationBench } from './revalidation.js';
import { serializerBench } from './serializer-part.js';
import { stampedeBench } from './stampede.js';

const parts: Record<string, () => Promise<void>> = {
  memory: memoryBench,
  revalidation: revalidationBench,
  serializer: serializerBench,
  backends: backendsBench,
  stampede: stampedeBench,
  // Last: the goals table is the summary of the run.
  goals: goalsBench,
};

const only = process.env.BENCH_ONLY?.split(',');
console.log(`axios-stash bench — node ${process.version}, rounds ${process.env.BENCH_ROUNDS ?? 7}, scale ${process.env.BENCH_SCALE ?? 1}`);
for (const [name, part] of Object.entries(parts)) {
  if (only && !only.includes(name)) continue;
  await part();
}
process.exit(0);
