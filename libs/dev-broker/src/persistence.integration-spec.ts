import * as fs from 'node:fs';
import * as path from 'node:path';
import { startBroker } from './index';
import { captureLog, kafka, runCli, tmpDir, waitFor } from './test/helpers';
import { RawClient, encodeBatch, produceRaw } from './test/raw-client';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
jest.setTimeout(60000);

async function consumeAll(brokers: string, groupId: string, topic: string, expected: number): Promise<string[]> {
  const consumer = kafka(brokers).consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
  await waitFor(() => values.length >= expected, 15000, `${expected} messages of ${topic} for ${groupId}`);
  await new Promise((r) => setTimeout(r, 300)); // nothing more arrives
  await consumer.disconnect();
  return values;
}

describe('dev-broker persistence', () => {
  it('serves acknowledged messages and committed offsets after a restart', async () => {
    const dir = tmpDir();
    let broker = await startBroker({ dataDir: dir, logger: () => undefined });
    const producer = kafka(broker.brokers).producer();
    await producer.connect();
    await producer.send({ topic: 'durable', acks: -1, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 5}`, value: `old-${i}` })) });
    await producer.disconnect();
    expect(await consumeAll(broker.brokers, 'keeper', 'durable', 30)).toHaveLength(30);
    await broker.close();

    broker = await startBroker({ dataDir: dir, logger: () => undefined });
    const all = await consumeAll(broker.brokers, 'newcomer', 'durable', 30);
    expect(all.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `old-${i}`).sort());
    const p2 = kafka(broker.brokers).producer();
    await p2.connect();
    await p2.send({ topic: 'durable', messages: [{ key: 'k1', value: 'new-1' }, { key: 'k2', value: 'new-2' }] });
    await p2.disconnect();
    // the group that committed before the restart only sees what is new
    expect((await consumeAll(broker.brokers, 'keeper', 'durable', 2)).sort()).toEqual(['new-1', 'new-2']);
    const admin = kafka(broker.brokers).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('durable');
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(32);
    await admin.disconnect();
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('cuts a torn tail (crash mid-append) on start-up and keeps everything before it', async () => {
    const dir = tmpDir();
    let broker = await startBroker({ dataDir: dir, logger: () => undefined });
    const producer = kafka(broker.brokers).producer();
    await producer.connect();
    for (let i = 0; i < 10; i++) await producer.send({ topic: 'torn', messages: [{ value: `v${i}`, partition: 0 }] });
    await producer.disconnect();
    await broker.close();

    const segDir = path.join(dir, 'topics', 'torn', '0');
    const seg = path.join(segDir, fs.readdirSync(segDir)[0]);
    const goodSize = fs.statSync(seg).size;
    // half a batch: a plausible header claiming more bytes than were written
    const partial = Buffer.alloc(40);
    partial.writeInt32BE(0, 0);
    partial.writeInt32BE(10, 4);
    partial.writeInt32BE(500, 8);
    fs.appendFileSync(seg, partial);

    const log = captureLog();
    broker = await startBroker({ dataDir: dir, logger: log.logger });
    expect(log.lines.some((l) => l.includes('torn write'))).toBe(true);
    expect(fs.statSync(seg).size).toBe(goodSize);
    const p2 = kafka(broker.brokers).producer();
    await p2.connect();
    const [res] = await p2.send({ topic: 'torn', messages: [{ value: 'after', partition: 0 }] });
    expect(res.baseOffset).toBe('10');
    await p2.disconnect();
    const values = await consumeAll(broker.brokers, 'torn-reader', 'torn', 11);
    expect(values).toEqual([...Array.from({ length: 10 }, (_, i) => `v${i}`), 'after']);
    await broker.close();

    // garbage (a corrupt CRC) at the tail is cut as well
    fs.appendFileSync(seg, Buffer.from('this is not a record batch, just noise from a crash.......................'));
    broker = await startBroker({ dataDir: dir, logger: () => undefined });
    expect(await consumeAll(broker.brokers, 'torn-reader-2', 'torn', 11)).toHaveLength(11);
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads back batches evicted from memory and spread over rolled segments', async () => {
    const dir = tmpDir();
    const small = { dataDir: dir, logger: () => undefined, cacheBytesPerPartition: 2048, segmentBytes: 4096 };
    let broker = await startBroker(small);
    const producer = kafka(broker.brokers).producer();
    await producer.connect();
    for (let i = 0; i < 150; i++) await producer.send({ topic: 'rolled', messages: [{ value: `r${i}-${'p'.repeat(40)}`, partition: 0 }] });
    await producer.disconnect();
    const expected = Array.from({ length: 150 }, (_, i) => `r${i}-${'p'.repeat(40)}`);
    expect(await consumeAll(broker.brokers, 'rolled-1', 'rolled', 150)).toEqual(expected);
    expect(fs.readdirSync(path.join(dir, 'topics', 'rolled', '0')).length).toBeGreaterThan(3);
    await broker.close();
    broker = await startBroker(small);
    expect(await consumeAll(broker.brokers, 'rolled-2', 'rolled', 150)).toEqual(expected);
    const admin = kafka(broker.brokers).admin();
    await admin.connect();
    const at = await admin.fetchTopicOffsetsByTimestamp('rolled', 0);
    expect(at.find((o) => o.partition === 0)!.offset).toBe('0');
    await admin.disconnect();
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds idempotent-producer state from the log: a retry after a restart is not stored twice', async () => {
    const dir = tmpDir();
    let broker = await startBroker({ dataDir: dir, logger: () => undefined });
    let raw = await RawClient.connect(broker.port);
    await raw.request(19, 0, (w) => w.int32(1).string('idem-restart').int32(1).int16(1).int32(0).int32(0).int32(1000));
    const batch = encodeBatch([{ value: 'once' }], { producerId: 77, producerEpoch: 0, baseSequence: 0 });
    expect(await produceRaw(raw, 'idem-restart', 0, Buffer.from(batch))).toEqual([0, 0]);
    raw.close();
    await broker.close();
    broker = await startBroker({ dataDir: dir, logger: () => undefined });
    raw = await RawClient.connect(broker.port);
    expect(await produceRaw(raw, 'idem-restart', 0, Buffer.from(batch))).toEqual([0, 0]);
    const next = encodeBatch([{ value: 'twice' }], { producerId: 77, producerEpoch: 0, baseSequence: 1 });
    expect(await produceRaw(raw, 'idem-restart', 0, next)).toEqual([0, 1]);
    raw.close();
    expect(await consumeAll(broker.brokers, 'idem-restart', 'idem-restart', 2)).toEqual(['once', 'twice']);
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing it acknowledged when the broker process is killed (SIGKILL)', async () => {
    const dir = tmpDir();
    let cli = await runCli(['--data-dir', dir, '--quiet']);
    const producer = kafka(cli.brokers).producer();
    await producer.connect();
    for (let i = 0; i < 20; i++) await producer.send({ topic: 'killed', acks: -1, messages: [{ key: `k${i % 3}`, value: `acked-${i}` }] });
    const consumer = kafka(cli.brokers).consumer({ groupId: 'killed-reader', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'killed', fromBeginning: true });
    let seen = 0;
    await consumer.run({ eachMessage: async () => void seen++ });
    await waitFor(() => seen === 20, 15000, 'first 20');
    await consumer.disconnect();
    const before = kafka(cli.brokers).admin();
    await before.connect();
    const committedSum = async (admin: typeof before) =>
      (await admin.fetchOffsets({ groupId: 'killed-reader', topics: ['killed'] }))[0].partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    await waitFor(async () => (await committedSum(before)) === 20, 10000, 'commits acknowledged');
    await before.disconnect();
    const exited = new Promise((r) => cli.child.on('exit', r));
    cli.child.kill('SIGKILL');
    await exited;
    await producer.disconnect().catch(() => undefined);

    cli = await runCli(['--data-dir', dir, '--quiet']);
    const all = await consumeAll(cli.brokers, 'after-kill', 'killed', 20);
    expect(all.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `acked-${i}`).sort());
    const admin = kafka(cli.brokers).admin();
    await admin.connect();
    expect(await committedSum(admin)).toBe(20);
    await admin.disconnect();
    const exit = new Promise((r) => cli.child.on('exit', r));
    cli.child.kill('SIGTERM');
    await exit;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('DeleteRecords raises the log start offset, persisted across restarts', async () => {
    const dir = tmpDir();
    let broker = await startBroker({ dataDir: dir, logger: () => undefined });
    const producer = kafka(broker.brokers).producer();
    await producer.connect();
    for (let i = 0; i < 6; i++) await producer.send({ topic: 'trimmed', messages: [{ value: `t${i}`, partition: 0 }] });
    await producer.disconnect();
    let admin = kafka(broker.brokers).admin();
    await admin.connect();
    await admin.fetchTopicOffsets('trimmed'); // kafkajs needs the topic's metadata loaded first
    await admin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset: '4' }] });
    expect((await admin.fetchTopicOffsets('trimmed')).find((o) => o.partition === 0)).toMatchObject({ low: '4', high: '6' });
    await admin.disconnect();
    expect(await consumeAll(broker.brokers, 'trim-1', 'trimmed', 2)).toEqual(['t4', 't5']);
    await broker.close();
    broker = await startBroker({ dataDir: dir, logger: () => undefined });
    admin = kafka(broker.brokers).admin();
    await admin.connect();
    expect((await admin.fetchTopicOffsets('trimmed')).find((o) => o.partition === 0)).toMatchObject({ low: '4', high: '6' });
    await admin.disconnect();
    expect(await consumeAll(broker.brokers, 'trim-2', 'trimmed', 2)).toEqual(['t4', 't5']);
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('requires a data dir unless in memory, and refuses a data dir that is in use', async () => {
    await expect(startBroker({})).rejects.toThrow(/dataDir/);
    const dir = tmpDir();
    const first = await startBroker({ dataDir: dir, logger: () => undefined });
    await expect(startBroker({ dataDir: dir, logger: () => undefined })).rejects.toThrow(/already used/);
    await first.close();
    const again = await startBroker({ dataDir: dir, logger: () => undefined });
    await again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
