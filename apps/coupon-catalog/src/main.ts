import 'reflect-metadata';
import { loadEnv } from '@coupons/service-kit';
import { startCatalog } from './bootstrap';
import { CatalogEnv } from './env';

const env = loadEnv(CatalogEnv);
startCatalog(env).catch((err) => {
  process.stderr.write(`coupon-catalog failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
