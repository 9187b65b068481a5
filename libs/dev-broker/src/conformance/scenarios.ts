import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { RawClient, encodeBatch, produceRaw } from '../test/raw-client';

/** A broker under test: where kafkajs and the raw client reach it. */
export interface BrokerUnderTest {
  brokers: string;
  port: number;
}

/** One scenario: what a kafkajs client (or the raw protocol) sees, reduced to what must not differ between brokers. */
export type Scenario = (b: BrokerUnderTest) => Promise<unknown>;

const client = (b: BrokerUnderTest) => new Kafka({ clientId: 'conformance', brokers: [b.brokers], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 } });
const name = (prefix: string) => `conf-${prefix}-${randomUUID().slice(0, 8)}`;
/** The error a call fails with, as kafkajs names it (type), or 'ok'. */
const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (e: { type?: string; name?: string; errors?: { type?: string }[] }) => e.type ?? e.errors?.map((x) => x.type).join() ?? e.name);

async function withAdmin<T>(b: BrokerUnderTest, fn: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = client(b).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

async function topicWith(b: BrokerUnderTest, partitions: number, configs: Record<string, string> = {}): Promise<string> {
  const topic = name('t');
  await withAdmin(b, (a) => a.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, configEntries: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }] }));
  return topic;
}

/** Reads `count` messages of a partition from `offset` (the fresh group's committed offset); offsets and values. */
async function readFrom(b: BrokerUnderTest, topic: string, partition: number, offset: string, count: number) {
  const groupId = name('g');
  await withAdmin(b, (a) => a.setOffsets({ groupId, topic, partitions: [{ partition, offset }] }));
  const consumer = client(b).consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: Array<[string, string]> = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${got.length} of ${count}`)), 30_000);
    void consumer.run({
      eachMessage: async ({ partition: p, message }) => {
        if (p !== partition) return;
        got.push([message.offset, message.value!.toString()]);
        if (got.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return got.slice(0, count);
}

export const SCENARIOS: Record<string, Scenario> = {
  'produce and fetch at offsets': async (b) => {
    const topic = await topicWith(b, 2);
    const producer = client(b).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = [];
    for (const [partition, values] of [[0, ['a', 'b', 'c']], [1, ['x', 'y']]] as const) {
      sent.push((await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value, partition })) }))[0].baseOffset);
    }
    const more = (await producer.send({ topic, acks: -1, messages: [{ value: 'd', partition: 0 }] }))[0].baseOffset;
    await producer.disconnect();
    return { sent, more, fromOffset1: await readFrom(b, topic, 0, '1', 3) };
  },

  'ListOffsets: earliest, latest, by timestamp': async (b) => {
    const topic = await topicWith(b, 1);
    const producer = client(b).producer();
    await producer.connect();
    const t0 = Date.now() - 60_000;
    await producer.send({ topic, messages: [0, 1, 2].map((i) => ({ value: `v${i}`, partition: 0, timestamp: String(t0 + i * 1000) })) });
    await producer.disconnect();
    return withAdmin(b, async (a) => ({
      offsets: (await a.fetchTopicOffsets(topic)).map((o) => ({ partition: o.partition, low: o.low, high: o.high })),
      atSecond: await a.fetchTopicOffsetsByTimestamp(topic, t0 + 1000),
      afterLast: await a.fetchTopicOffsetsByTimestamp(topic, t0 + 10_000),
    }));
  },

  'consumer group: two members share partitions, one leaves, the other takes all; commits are fetched back': async (b) => {
    const topic = await topicWith(b, 4);
    const groupId = name('g');
    const k = client(b);
    const assignments: Record<string, number[]> = {};
    const members = [k.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 }), k.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 })];
    const sizes = async () => {
      const d = await withAdmin(b, (a) => a.describeGroups([groupId]));
      return { state: d.groups[0].state, members: d.groups[0].members.length };
    };
    for (const [i, c] of members.entries()) {
      c.on(c.events.GROUP_JOIN, (e) => (assignments[`m${i}`] = (e.payload.memberAssignment[topic] ?? []).slice().sort()));
      await c.connect();
      await c.subscribe({ topic });
      await c.run({ eachMessage: async () => undefined });
    }
    const deadline = Date.now() + 30_000;
    while (((assignments.m0?.length ?? 0) + (assignments.m1?.length ?? 0) !== 4 || !assignments.m0?.length || !assignments.m1?.length) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const shared = [assignments.m0?.length, assignments.m1?.length];
    const withTwo = await sizes();
    await members[1].disconnect(); // LeaveGroup
    while ((assignments.m0?.length ?? 0) !== 4 && Date.now() < deadline + 30_000) await new Promise((r) => setTimeout(r, 200));
    const afterLeave = { m0: assignments.m0, ...(await sizes()) };
    await members[0].commitOffsets([{ topic, partition: 2, offset: '0' }]).catch(() => undefined);
    await members[0].disconnect();
    await withAdmin(b, (a) => a.setOffsets({ groupId, topic, partitions: [{ partition: 1, offset: '0' }] }));
    const fetched = await withAdmin(b, (a) => a.fetchOffsets({ groupId, topics: [topic] }));
    return { shared, withTwo, afterLeave, fetched: fetched[0].partitions.sort((x, y) => x.partition - y.partition).map((p) => [p.partition, p.offset]), empty: await sizes() };
  },

  'idempotent producer: a retried batch is acknowledged with its first offset, a gap is refused': async (b) => {
    const topic = await topicWith(b, 1);
    const raw = await RawClient.connect(b.port);
    try {
      const r = await raw.request(22, 0, (w) => w.nullableString(null).int32(60_000));
      r.int32(); // throttle
      const initError = r.int16();
      const producerId = r.int64();
      const producerEpoch = r.int16();
      const batch = (baseSequence: number, value: string) => encodeBatch([{ value }], { producerId, producerEpoch, baseSequence });
      return {
        initError,
        first: await produceRaw(raw, topic, 0, batch(0, 'one')),
        retried: await produceRaw(raw, topic, 0, batch(0, 'one')),
        next: await produceRaw(raw, topic, 0, batch(1, 'two')),
        gap: (await produceRaw(raw, topic, 0, batch(5, 'gap')))[0],
        stored: await withAdmin(b, async (a) => (await a.fetchTopicOffsets(topic))[0].high),
      };
    } finally {
      raw.socket.destroy();
    }
  },

  'topic admin with configs: DescribeConfigs answers what was set and the defaults': async (b) => {
    const events = await topicWith(b, 1, { 'retention.ms': '-1', 'retention.bytes': '-1', 'cleanup.policy': 'delete', 'min.insync.replicas': '1' });
    const plain = await topicWith(b, 1);
    const names = ['cleanup.policy', 'min.insync.replicas', 'retention.bytes', 'retention.ms'];
    return withAdmin(b, async (a) => {
      const { resources } = await a.describeConfigs({ includeSynonyms: false, resources: [events, plain].map((n) => ({ type: ConfigResourceTypes.TOPIC, name: n, configNames: names })) });
      const bad = name('bad');
      return {
        configs: resources.map((r) => r.configEntries.map((c) => [c.configName, c.configValue, c.configSource]).sort()),
        badValue: await outcome(a.createTopics({ topics: [{ topic: bad, configEntries: [{ name: 'retention.ms', value: 'soon' }] }] })),
        unknownName: await outcome(a.createTopics({ topics: [{ topic: bad, configEntries: [{ name: 'no.such.config', value: '1' }] }] })),
        again: await a.createTopics({ topics: [{ topic: plain, numPartitions: 1 }] }),
        missing: await outcome(a.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: name('missing') }] })),
      };
    });
  },

  'error codes: unknown topic, unknown partition, out-of-range offset': async (b) => {
    const topic = await topicWith(b, 1);
    const producer = client(b).producer({ allowAutoTopicCreation: false, retry: { retries: 1, initialRetryTime: 100 } });
    await producer.connect();
    const unknownTopic = await outcome(producer.send({ topic: name('nope'), messages: [{ value: 'x' }] }));
    const unknownPartition = await outcome(producer.send({ topic, messages: [{ value: 'x', partition: 7 }] }));
    await producer.send({ topic, messages: [{ value: 'x', partition: 0 }] });
    await producer.disconnect();
    // Fetch v4 at offset 100 of a one-record partition.
    const raw = await RawClient.connect(b.port);
    try {
      const r = await raw.request(1, 4, (w) => w.int32(-1).int32(100).int32(1).int32(1_000_000).int8(0).int32(1).string(topic).int32(1).int32(0).int64(100).int32(1_000_000));
      r.int32(); // throttle
      r.int32(); // topics
      r.string();
      r.int32(); // partitions
      r.int32();
      const outOfRange = r.int16();
      const highWatermark = r.int64();
      return { unknownTopic, unknownPartition, outOfRange, highWatermark };
    } finally {
      raw.socket.destroy();
    }
  },

  'DeleteRecords raises the log start offset': async (b) => {
    const topic = await topicWith(b, 1);
    const producer = client(b).producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ value: `r${i}`, partition: 0 })) });
    await producer.disconnect();
    return withAdmin(b, async (a) => {
      await a.fetchTopicMetadata({ topics: [topic] }); // kafkajs deletes records only of topics it has metadata of
      await a.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] });
      const after = (await a.fetchTopicOffsets(topic))[0];
      return { low: after.low, high: after.high, beyondEnd: await outcome(a.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '9' }] })), read: await readFrom(b, topic, 0, '0', 2) };
    });
  },
};
