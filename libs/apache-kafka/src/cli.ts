// `npm run kafka -- [--brokers 1|3] [--data-dir DIR] [--port FIRST_PORT]`: Apache Kafka here, without Docker. Prints
// KAFKA_BROKERS=... once every broker answers; Ctrl-C or SIGTERM stops every node. The data dir keeps the log.
// `--check` only says whether it can run here (and warms Maven's cache).
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { kafkaClasspath } from './classpath';
import { ApacheKafkaUnavailable, checkJava } from './requirements';
import { startApacheKafka } from './cluster';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { brokers: { type: 'string', default: '1' }, 'data-dir': { type: 'string' }, port: { type: 'string' }, check: { type: 'boolean' } },
  });
  if (values.check) {
    // Only whether Apache Kafka can run here (java, and Kafka's classpath, resolved into Maven's cache if need be).
    checkJava();
    const jars = (await kafkaClasspath()).split(':').length;
    process.stdout.write(`Apache Kafka can run here (${jars} jars in the classpath)\n`);
    return;
  }
  const brokers = Number(values.brokers);
  if (brokers !== 1 && brokers !== 3) throw new UsageError(`--brokers must be 1 or 3, not ${values.brokers}`);
  const firstPort = values.port === undefined ? undefined : Number(values.port);
  if (firstPort !== undefined && !(Number.isInteger(firstPort) && firstPort > 0 && firstPort < 65536 - 2 * brokers)) {
    throw new UsageError(`--port must be a TCP port, not ${values.port}`);
  }
  const dataDir = resolve(values['data-dir'] ?? '.data/apache-kafka');
  const cluster = await startApacheKafka({ brokers, dataDir, firstPort });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    cluster.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stderr.write(`Apache Kafka: ${brokers} node(s), data in ${cluster.dataDir}; Ctrl-C stops it\n`);
  process.stdout.write(`KAFKA_BROKERS=${cluster.brokers}\n`);
  // Keeps this process (and with it the nodes, which stop when it ends) alive until a signal.
  setInterval(() => {
    if (!stopping && cluster.nodes.every((n) => !n.running)) {
      process.stderr.write('every Kafka node has exited\n');
      process.exit(1);
    }
  }, 1_000);
}

class UsageError extends Error {}

main().catch((err: Error) => {
  process.stderr.write(`${err instanceof ApacheKafkaUnavailable || err instanceof UsageError ? err.message : (err.stack ?? err.message)}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
