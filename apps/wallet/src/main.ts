import 'reflect-metadata';
import { boundHeapGrowth, loadEnv } from '@coupons/service-kit';
import { startWallet } from './bootstrap';
import { WalletEnv } from './env';

boundHeapGrowth(); // see service-kit's heap.ts
const env = loadEnv(WalletEnv);
startWallet(env).catch((err) => {
  process.stderr.write(`wallet failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
