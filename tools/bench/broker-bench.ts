/**
 * Kafka broker benchmark with kafkajs: batched produce, one-at-a-time produce, consume, and the
 * produce -> fetch round-trip latency seen by a running consumer.
 *
 *   npm run bench:broker                  in-process dev-broker
 *   npm run bench:broker -- --quick       small volume
 *   npm run bench:broker -- --data-dir /tmp/bench-broker   in-process, persisted
 *   npm run bench:broker -- --brokers host:port [--json out.json]
 *   npm run bench:broker -- --mock        librdkafka's mock cluster (kcat), the same-run baseline of `npm run bench`
 *   npm run bench:broker -- --apache      Apache Kafka itself (one KRaft node, libs/apache-kafka; needs java)
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startApacheKafka } from '@coupons/apache-kafka';
import { startBroker } from '@coupons/dev-broker';
import { startMockCluster } from './mock-cluster';

export interface BrokerBenchOptions {
  /** an existing cluster; when absent the dev-broker is started in-process (in memory) */
  brokers?: string;
  /** what `brokers` is, for the report (default `external <brokers>`) */
  targetName?: string;
  /** in-process broker on disk in this directory instead of in memory */
  dataDir?: string;
  quick?: boolean;
  /** value size in bytes (default 100) */
  messageBytes?: number;
  /** messages per send in the batched phase (default 1000) */
  batchSize?: number;
  /**
   * Let the cluster auto-create the topics (a metadata request) instead of CreateTopics/DeleteTopics: librdkafka's mock
   * cluster has no controller kafkajs's admin can address, so its topics get the mock's default partition count.
   */
  autoCreateTopics?: boolean;
  log?: (line: string) => void;
}

export interface Throughput {
  messages: number;
  seconds: number;
  messagesPerSecond: number;
}

export interface BrokerBenchResult {
  target: string;
  brokers: string;
  messageBytes: number;
  batchSize: number;
  produceBatched: Throughput;
  produceOneByOne: Throughput;
  consume: Throughput;
  roundTrip: { samples: number; p50Ms: number; p99Ms: number; maxMs: number };
}

const now = (): number => performance.now();

function throughput(messages: number, ms: number): Throughput {
  const seconds = ms / 1000;
  return { messages, seconds: Number(seconds.toFixed(3)), messagesPerSecond: Math.round(messages / seconds) };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Number(sorted[Math.max(0, i)].toFixed(3));
}

export async function runBrokerBench(opts: BrokerBenchOptions = {}): Promise<BrokerBenchResult> {
  const log = opts.log ?? (() => undefined);
  const quick = opts.quick ?? false;
  const messageBytes = opts.messageBytes ?? 100;
  const batchSize = opts.batchSize ?? 1000;
  const batchedTotal = quick ? 20_000 : 200_000;
  const oneByOne = quick ? 500 : 5_000;
  const rtSamples = quick ? 200 : 2_000;

  const broker = opts.brokers
    ? null
    : await startBroker(opts.dataDir ? { dataDir: opts.dataDir, logger: () => undefined } : { inMemory: true, logger: () => undefined });
  const brokers = opts.brokers ?? broker!.brokers;
  const kafka = new Kafka({ brokers: [brokers], clientId: 'broker-bench', logLevel: logLevel.NOTHING });
  const run = `${Date.now().toString(36)}`;
  const topics = { batched: `bench-batched-${run}`, single: `bench-single-${run}`, rt: `bench-rt-${run}` };
  const admin = kafka.admin();
  await admin.connect();
  if (opts.autoCreateTopics) await admin.fetchTopicMetadata({ topics: Object.values(topics) });
  else
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: topics.batched, numPartitions: 3 },
        { topic: topics.single, numPartitions: 3 },
        { topic: topics.rt, numPartitions: 1 },
      ],
    });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: !!opts.autoCreateTopics });
  await producer.connect();
  const value = Buffer.alloc(messageBytes, 'x');

  try {
    // warm-up (connections, metadata, JIT)
    for (let i = 0; i < 20; i++) await producer.send({ topic: topics.single, acks: -1, messages: [{ key: `w${i}`, value }] });

    log(`batched produce: ${batchedTotal} messages, ${batchSize} per send`);
    let t = now();
    for (let sent = 0; sent < batchedTotal; sent += batchSize) {
      const messages = Array.from({ length: Math.min(batchSize, batchedTotal - sent) }, (_, i) => ({ key: `k${(sent + i) % 64}`, value }));
      await producer.send({ topic: topics.batched, acks: -1, messages });
    }
    const produceBatched = throughput(batchedTotal, now() - t);

    log(`one-at-a-time produce: ${oneByOne} awaited sends`);
    t = now();
    for (let i = 0; i < oneByOne; i++) await producer.send({ topic: topics.single, acks: -1, messages: [{ key: `k${i % 64}`, value }] });
    const produceOneByOne = throughput(oneByOne, now() - t);

    // What the topic still holds: librdkafka's mock cluster keeps a bounded log per partition and drops the oldest.
    const held = (await admin.fetchTopicOffsets(topics.batched)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    log(`consume: ${held} messages`);
    const consumer = kafka.consumer({ groupId: `bench-consume-${run}`, maxWaitTimeInMs: 100, maxBytesPerPartition: 4 * 1024 * 1024 });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.batched, fromBeginning: true });
    let consumed = 0;
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    t = now();
    await consumer.run({
      eachMessage: async () => {
        if (++consumed === held) resolveDone();
      },
    });
    await done;
    const consume = throughput(held, now() - t);
    await consumer.disconnect();

    log(`round trip: ${rtSamples} samples`);
    const rtConsumer = kafka.consumer({ groupId: `bench-rt-${run}`, maxWaitTimeInMs: 5000 });
    await rtConsumer.connect();
    await rtConsumer.subscribe({ topic: topics.rt, fromBeginning: true });
    let waiting: ((id: string) => void) | null = null;
    let joined = false;
    rtConsumer.on(rtConsumer.events.GROUP_JOIN, () => (joined = true));
    await rtConsumer.run({ eachMessage: async ({ message }) => waiting?.(message.value!.toString()) });
    while (!joined) await new Promise((r) => setTimeout(r, 10));
    const latencies: number[] = [];
    for (let i = -10; i < rtSamples; i++) {
      const id = `rt-${i}`;
      const arrived = new Promise<void>((resolve) => {
        waiting = (got) => {
          if (got === id) resolve();
        };
      });
      const start = now();
      await producer.send({ topic: topics.rt, acks: -1, messages: [{ value: id }] });
      await arrived;
      if (i >= 0) latencies.push(now() - start); // first 10 are warm-up
    }
    await rtConsumer.disconnect();
    latencies.sort((a, b) => a - b);

    return {
      target: opts.targetName ?? (opts.brokers ? `external ${opts.brokers}` : `dev-broker (in-process, ${opts.dataDir ? `on disk in ${opts.dataDir}` : 'in memory'})`),
      brokers,
      messageBytes,
      batchSize,
      produceBatched,
      produceOneByOne,
      consume,
      roundTrip: { samples: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: percentile(latencies, 100) },
    };
  } finally {
    await producer.disconnect();
    if (!opts.autoCreateTopics) await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin.disconnect();
    await broker?.close();
  }
}

export function formatBrokerBench(r: BrokerBenchResult): string {
  const rows: Array<[string, string, string]> = [
    ['produce, batched', `${r.produceBatched.messagesPerSecond.toLocaleString('en-US')} msg/s`, `${r.produceBatched.messages} msgs, ${r.batchSize}/send, ${r.produceBatched.seconds} s`],
    ['produce, one at a time', `${r.produceOneByOne.messagesPerSecond.toLocaleString('en-US')} msg/s`, `${r.produceOneByOne.messages} awaited sends, ${r.produceOneByOne.seconds} s`],
    ['consume', `${r.consume.messagesPerSecond.toLocaleString('en-US')} msg/s`, `${r.consume.messages} msgs, ${r.consume.seconds} s`],
    ['round trip p50', `${r.roundTrip.p50Ms} ms`, `produce -> running consumer, ${r.roundTrip.samples} samples`],
    ['round trip p99', `${r.roundTrip.p99Ms} ms`, `max ${r.roundTrip.maxMs} ms`],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  const lines = [`broker benchmark: ${r.target}, ${r.messageBytes}-byte values, kafkajs`, ''];
  for (const [a, b, c] of rows) lines.push(`  ${a.padEnd(w0)}  ${b.padStart(w1)}   ${c}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      brokers: { type: 'string' },
      'data-dir': { type: 'string' },
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      'message-bytes': { type: 'string' },
      'batch-size': { type: 'string' },
      mock: { type: 'boolean', default: false },
      apache: { type: 'boolean', default: false },
    },
  });
  const mock = values.mock ? await startMockCluster() : null;
  const apache = values.apache ? await startApacheKafka({ brokers: 1 }) : null;
  const result = await runBrokerBench({
    brokers: mock?.brokers ?? apache?.brokers ?? values.brokers,
    targetName: apache ? 'Apache Kafka 4.4 (one KRaft node, tools/kafka/pom.xml)' : undefined,
    autoCreateTopics: !!mock,
    dataDir: values['data-dir'],
    quick: values.quick,
    messageBytes: values['message-bytes'] ? Number(values['message-bytes']) : undefined,
    batchSize: values['batch-size'] ? Number(values['batch-size']) : undefined,
    log: (line) => console.error(`… ${line}`),
  }).finally(() => Promise.all([mock?.close(), apache?.stop()]));
  console.log(formatBrokerBench(result));
  if (values.json) fs.writeFileSync(values.json, JSON.stringify(result, null, 2) + '\n');
}

if (require.main === module) {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  main().catch((e: Error) => {
    console.error(e);
    process.exit(1);
  });
}
