import 'reflect-metadata';
import { boundHeapGrowth, loadEnv } from '@coupons/service-kit';
import { startOrdering } from './bootstrap';
import { OrderingEnv } from './env';

boundHeapGrowth(); // see service-kit's heap.ts
const env = loadEnv(OrderingEnv);
startOrdering(env).catch((err) => {
  process.stderr.write(`ordering failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
