import { startBroker } from '@coupons/dev-broker';

export interface RunningBroker {
  /** "host:port", as KAFKA_BROKERS takes it. */
  brokers: string;
  port: number;
  stop(): Promise<void>;
}

/** An in-memory embedded Kafka-protocol broker on a free port, for one test suite. */
export async function testBroker(opts: { defaultPartitions?: number; dataDir?: string } = {}): Promise<RunningBroker> {
  const b = await startBroker({ port: 0, inMemory: !opts.dataDir, dataDir: opts.dataDir, defaultPartitions: opts.defaultPartitions ?? 3, logger: () => undefined });
  return { brokers: b.brokers, port: b.port, stop: () => b.close() };
}
