// The tail reader against a real broker: where it starts, when it is ready, that it commits nothing, and that it
// carries on after the broker is bounced (its consumer rejoins and is positioned again) without repeating or skipping.
import { testBroker } from '@coupons/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { createKafka } from './kafka';
import { ensureTopics } from './topic-provisioning';
import { TailMessage, TailReader } from './tail-reader';
import { storeEvent, uniqueTopic, waitFor } from './test/harness';

jest.setTimeout(90_000);

async function send(kafka: Kafka, topic: string, names: string[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  // One key: one partition, so the order below is the topic's order.
  await producer.send({ topic, acks: -1, messages: names.map((n) => ({ key: 'k', value: JSON.stringify(storeEvent('k', n)) })) });
  await producer.disconnect();
}

/** What a subscriber saw: the store name in each event, with whether it was live. */
function recorder(reader: TailReader, topic: string) {
  const seen: Array<{ name: string; live: boolean }> = [];
  reader.subscribe((t, _p, messages: TailMessage[]) => {
    if (t !== topic) return;
    for (const m of messages) {
      const d = m.decoded();
      seen.push({ name: d.ok ? (d.envelope.payload as { name: string }).name : `undecodable: ${d.reason}`, live: m.live });
    }
  });
  return seen;
}

describe('TailReader', () => {
  let broker: Awaited<ReturnType<typeof testBroker>>;
  let kafka: Kafka;
  const readers: TailReader[] = [];
  const newReader = (topics: Record<string, 'beginning' | 'end'>) => {
    const r = new TailReader({ kafka, groupId: `tail-${uniqueTopic('g')}`, topics, maxWaitTimeInMs: 50 });
    readers.push(r);
    return r;
  };

  beforeAll(async () => {
    broker = await testBroker();
    kafka = createKafka([broker.brokers], 'tail-test');
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await broker.stop();
  });

  it('from the end: only what comes after it is ready; from the beginning: the history first, marked not live', async () => {
    const fromEnd = uniqueTopic('tail-end');
    const fromStart = uniqueTopic('tail-start');
    await ensureTopics(kafka, [fromEnd, fromStart]);
    await send(kafka, fromEnd, ['old-1', 'old-2']);
    await send(kafka, fromStart, ['old-1', 'old-2']);

    const reader = newReader({ [fromEnd]: 'end', [fromStart]: 'beginning' });
    const endSeen = recorder(reader, fromEnd);
    const startSeen = recorder(reader, fromStart);
    expect(reader.isReady()).toBe(false);
    reader.start();
    expect(await reader.whenReady(30_000)).toBe(true);
    // Caught up once the history before start-up is handed out: the two old events of the 'beginning' topic.
    expect(await reader.whenCaughtUp(20_000)).toBe(true);
    expect(startSeen).toEqual([{ name: 'old-1', live: false }, { name: 'old-2', live: false }]);
    // Sent right after ready, before any fetch could have happened: must not be missed.
    await send(kafka, fromEnd, ['new-1']);
    await send(kafka, fromStart, ['new-1']);
    await waitFor(async () => endSeen.length >= 1 && startSeen.length >= 3, 20_000, 'the new events');

    expect(endSeen).toEqual([{ name: 'new-1', live: true }]);
    expect(startSeen).toEqual([{ name: 'old-1', live: false }, { name: 'old-2', live: false }, { name: 'new-1', live: true }]);
    // Positions are the next offsets to hand out: three events on the start topic's one partition in use.
    expect([0, 1, 2].reduce((n, p) => n + reader.position(fromStart, p), 0n)).toBe(3n);

    // Nothing committed for its group.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId: reader.groupId, topics: [fromEnd, fromStart] });
      expect(offsets.flatMap((t) => t.partitions.map((p) => p.offset)).filter((o) => o !== '-1')).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });

  it('decodes a message once for all its subscribers', async () => {
    const topic = uniqueTopic('tail-decode');
    await ensureTopics(kafka, [topic]);
    const reader = newReader({ [topic]: 'beginning' });
    const results: unknown[] = [];
    reader.subscribe((_t, _p, ms) => ms.forEach((m) => results.push(m.decoded())));
    reader.subscribe((_t, _p, ms) => ms.forEach((m) => results.push(m.decoded())));
    reader.start();
    await reader.whenReady(30_000);
    await send(kafka, topic, ['x']);
    await waitFor(async () => results.length >= 2, 20_000, 'both subscribers');
    expect(results[0]).toBe(results[1]);
  });
});

it('TailReader carries on after the broker restarts: every event once, in order', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tail-restart-'));
  let broker = await testBroker({ dataDir });
  const kafka = createKafka([broker.brokers], 'tail-restart');
  const topic = uniqueTopic('tail-restart');
  const reader = new TailReader({ kafka, groupId: `tail-restart-${topic}`, topics: { [topic]: 'end' }, maxWaitTimeInMs: 50 });
  try {
    await ensureTopics(kafka, [topic]);
    const seen = recorder(reader, topic);
    reader.start();
    expect(await reader.whenReady(30_000)).toBe(true);
    await send(kafka, topic, ['m1', 'm2']);
    await waitFor(async () => seen.length >= 2, 20_000, 'the first events');

    await broker.stop();
    await new Promise((r) => setTimeout(r, 1_500));
    broker = await testBroker({ dataDir, port: broker.port });

    await send(kafka, topic, ['m3', 'm4']);
    await waitFor(async () => seen.some((s) => s.name === 'm4'), 60_000, 'the events sent after the restart');
    expect(await reader.whenReady(30_000)).toBe(true);
    expect(seen.map((s) => s.name)).toEqual(['m1', 'm2', 'm3', 'm4']);
  } finally {
    await reader.stop();
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
