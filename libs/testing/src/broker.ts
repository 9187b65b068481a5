import { ApacheKafkaCluster, startApacheKafka } from '@coupons/apache-kafka';
import { startBroker } from '@coupons/dev-broker';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
export async function testBroker(opts: { defaultPartitions?: number; dataDir?: string; port?: number; autoCreateTopics?: boolean } = {}): Promise<RunningBroker> {
  const b = await startBroker({
    port: opts.port ?? 0, inMemory: !opts.dataDir, dataDir: opts.dataDir, defaultPartitions: opts.defaultPartitions ?? 3,
    autoCreateTopics: opts.autoCreateTopics ?? true, logger: () => undefined,
  });
  return { brokers: b.brokers, port: b.port, stop: () => b.close() };
}

/** Which broker the end-to-end tests run on: the embedded one, or Apache Kafka itself (a JVM per stack). */
export type BrokerKind = 'embedded' | 'apache';

/** E2E_KAFKA=apache|embedded (default embedded); anything else is an error, not a silent default. */
export function brokerKindFromEnv(env: NodeJS.ProcessEnv = process.env): BrokerKind {
  const kind = env.E2E_KAFKA || 'embedded';
  if (kind !== 'embedded' && kind !== 'apache') throw new Error(`E2E_KAFKA must be apache or embedded, not ${JSON.stringify(kind)}`);
  return kind;
}

/** A broker that can be stopped and started again as the same broker (same address, same log). */
export interface RestartableBroker extends RunningBroker {
  kind: BrokerKind;
  /** Stops it, waits `downMs`, starts it again on its port and data. */
  restart(downMs: number): Promise<void>;
  /** The Apache Kafka cluster behind it (fault tests kill and restart its nodes); undefined on the embedded broker. */
  readonly cluster: ApacheKafkaCluster | undefined;
}

/**
 * A broker of its own for one stack: the embedded broker (in memory unless `dataDir`), or a fresh single-node Apache
 * Kafka cluster of `brokers` nodes (on `dataDir`, else a temporary folder removed at stop), so no topic or group
 * offset leaks from one stack into another. Neither creates topics by itself: services provision theirs.
 */
export async function stackBroker(kind: BrokerKind, opts: { dataDir?: string; brokers?: 1 | 3 } = {}): Promise<RestartableBroker> {
  const size = opts.brokers ?? 1;
  if (kind === 'embedded') {
    if (size !== 1) throw new Error(`the embedded broker is a single broker: a ${size}-broker stack needs kafka: 'apache'`);
    let b = await testBroker({ dataDir: opts.dataDir, autoCreateTopics: false });
    let up = true;
    return {
      kind,
      cluster: undefined,
      get brokers() { return b.brokers; },
      get port() { return b.port; },
      restart: async (downMs) => {
        if (up) await b.stop();
        up = false;
        await new Promise((r) => setTimeout(r, downMs));
        b = await testBroker({ dataDir: opts.dataDir, port: b.port, autoCreateTopics: false });
        up = true;
      },
      stop: async () => {
        if (up) await b.stop();
        up = false;
      },
    };
  }
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'e2e-kafka-'));
  let cluster = await startApacheKafka({ brokers: size, dataDir });
  let up = true;
  const port = cluster.nodes[0].brokerPort;
  return {
    kind,
    get cluster() { return cluster; },
    brokers: cluster.brokers,
    port,
    restart: async (downMs) => {
      if (up) await cluster.stop();
      up = false;
      await new Promise((r) => setTimeout(r, downMs));
      // The data dir records the cluster's id and ports: this is the same broker again.
      cluster = await startApacheKafka({ brokers: size, dataDir });
      up = true;
    },
    stop: async () => {
      if (up) await cluster.stop();
      up = false;
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
