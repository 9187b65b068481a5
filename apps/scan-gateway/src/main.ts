import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { Logger } from '@nestjs/common';
import { startGateway } from './app.factory';
import { loadGatewayEnv } from './config/gateway.env';

// V8 sizes the heap for the machine (GBs) and, under bursts of HTTP requests, let the old generation grow to several
// times the live heap (~50 MB here) before collecting: the gateway went past 200 MB resident under load. Growing it by
// at most 20% per full collection keeps it near the live size, with no loss of throughput in `npm run bench` (see
// README, "How a scan is answered"). A NODE_OPTIONS/--heap-growing-percent given at start-up wins.
if (![...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('heap-growing-percent'))) {
  setFlagsFromString('--heap-growing-percent=20');
}

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
