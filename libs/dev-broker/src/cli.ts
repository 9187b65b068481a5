import { parseArgs } from 'node:util';
import { startBroker } from './broker';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9092' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean', default: false },
      partitions: { type: 'string', default: '3' },
      quiet: { type: 'boolean', short: 'q', default: false },
    },
  });
  const dataDir = values['data-dir'];
  if (!dataDir && !values['in-memory']) {
    console.error('usage: dev-broker --port <port> --data-dir <dir> [--partitions N] [--host H] [--in-memory] [--quiet]');
    process.exit(2);
  }
  const port = Number(values.port);
  const partitions = Number(values.partitions);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
  if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`invalid --partitions ${values.partitions}`);
  const broker = await startBroker({
    port,
    host: values.host,
    dataDir,
    inMemory: values['in-memory'],
    defaultPartitions: partitions,
    logger: values.quiet ? () => undefined : (line) => console.error(`[dev-broker] ${line}`),
  });
  console.log(`listening on ${broker.host}:${broker.port}`);
  const stop = (signal: string): void => {
    console.error(`${signal}: shutting down`);
    broker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: Error) => {
  console.error(`dev-broker: ${e.message}`);
  process.exit(1);
});
