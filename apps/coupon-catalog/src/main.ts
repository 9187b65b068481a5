import 'reflect-metadata';
import { boundHeapGrowth, loadEnv } from '@coupons/service-kit';
import { startCatalog } from './bootstrap';
import { CatalogEnv } from './env';

boundHeapGrowth(); // see service-kit's heap.ts
const env = loadEnv(CatalogEnv);
startCatalog(env).catch((err) => {
  process.stderr.write(`coupon-catalog failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
