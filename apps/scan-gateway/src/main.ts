import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { boundHeapGrowth } from '@coupons/service-kit';
import { startGateway } from './app.factory';
import { loadGatewayEnv } from './config/gateway.env';

boundHeapGrowth(); // see service-kit's heap.ts

async function main(): Promise<void> {
  let env;
  try {
    env = loadGatewayEnv(process.env);
  } catch (err) {
    // Refuse to start, naming every bad variable.
    process.stderr.write(`scan-gateway: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const app = await startGateway(env);
  new Logger('Bootstrap').log(`listening on ${await app.getUrl()}`);
}

main().catch((err) => {
  process.stderr.write(`scan-gateway failed to start: ${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
