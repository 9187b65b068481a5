import { startBroker } from '@coupons/dev-broker';

export interface RunningBroker {
  /** "host:port", as KAFKA_BROKERS takes it. */
  brokers: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * An embedded Kafka-protocol broker for one test suite: in memory unless `dataDir`, on a free port unless `port`
 * (a broker restarted on its data dir and port is the same broker to its clients).
 */
export async function testBroker(opts: { defaultPartitions?: number; dataDir?: string; port?: number } = {}): Promise<RunningBroker> {
  const b = await startBroker({ port: opts.port ?? 0, inMemory: !opts.dataDir, dataDir: opts.dataDir, defaultPartitions: opts.defaultPartitions ?? 3, logger: () => undefined });
  return { brokers: b.brokers, port: b.port, stop: () => b.close() };
}
