// A broker restarted on the same port and data (a Kafka broker bounced): the coordinator forgets the group's members,
// and kafkajs gives up on some consumers with a non-retriable "coordinator is not aware of this member". The runner
// must start a fresh consumer by itself, or its group stays without members and its partitions are never read again.
import { Envelope, Topics } from '@coupons/contracts';
import { testBroker } from '@coupons/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaConsumerRunner } from './consumer';
import { createKafka } from './kafka';
import { ensureTopics } from './topic-provisioning';
import { Outcome } from './outcome';
import { storeEvent, uniqueTopic, waitFor } from './test/harness';

jest.setTimeout(90_000);

it('keeps consuming after the broker restarts: every message before and after is handled, in order per key', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'restart-broker-'));
  let broker = await testBroker({ dataDir });
  const port = broker.port;
  const kafka = createKafka([broker.brokers], 'restart-test');
  const topic = uniqueTopic('restart');
  const handled: string[] = [];
  const runners: KafkaConsumerRunner[] = [];
  try {
    await ensureTopics(kafka, [topic, Topics.deadLetter]);
    // Several groups, as a service has: any of them may be the one kafkajs gives up on.
    for (const g of ['a', 'b', 'c']) {
      const runner = new KafkaConsumerRunner({
        kafka, groupId: `restart-${g}-${topic}`, topics: [topic], sessionTimeout: 10_000,
        handle: async (e: Envelope) => { if (g === 'a') handled.push(e.aggregateId); return Outcome.done; },
      });
      await runner.start();
      runners.push(runner);
    }
    const send = async (keys: string[]) => {
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: keys.map((k) => ({ key: 'one-key', value: JSON.stringify(storeEvent(k, k)) })) });
      await producer.disconnect();
    };
    await send(['m1', 'm2', 'm3']);
    await waitFor(async () => handled.length >= 3, 30_000, 'the first messages');

    await broker.stop();
    await new Promise((r) => setTimeout(r, 1_500));
    broker = await testBroker({ dataDir, port });

    await send(['m4', 'm5', 'm6']);
    await waitFor(async () => handled.includes('m6'), 60_000, 'the messages sent after the restart');
    expect([...new Set(handled)]).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
  } finally {
    for (const r of runners) await r.stop();
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
