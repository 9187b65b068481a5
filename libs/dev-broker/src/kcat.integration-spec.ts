import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { startBroker, type RunningBroker } from './index';
import { kafka, runCli, tmpDir, waitFor } from './test/helpers';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
jest.setTimeout(60000);
const run = promisify(execFile);

function hasKcat(): boolean {
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const kcatPresent = hasKcat();
if (!kcatPresent) console.warn('kcat not found: skipping the librdkafka (kcat) compatibility tests. Install it with `apt-get install -y kcat`.');
const describeKcat = kcatPresent ? describe : describe.skip;

async function kcat(args: string[], input?: string): Promise<string> {
  if (input === undefined) return (await run('kcat', args, { timeout: 20000 })).stdout;
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', args, { timeout: 20000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    child.stdin!.end(input);
  });
}

describeKcat('dev-broker with kcat (librdkafka)', () => {
  let broker: RunningBroker;
  beforeAll(async () => {
    broker = await startBroker({ inMemory: true, logger: () => undefined });
  });
  afterAll(() => broker.close());

  it('lists metadata', async () => {
    const admin = kafka(broker.brokers).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kc-meta', numPartitions: 4 }] });
    await admin.disconnect();
    const out = await kcat(['-b', broker.brokers, '-L']);
    expect(out).toContain(`broker 1 at ${broker.brokers} (controller)`);
    expect(out).toContain('topic "kc-meta" with 4 partitions');
    expect(out).toContain('partition 3, leader 1, replicas: 1, isrs: 1');
  });

  it('produces with -P and consumes with -C -e, interoperating with kafkajs', async () => {
    await kcat(['-b', broker.brokers, '-P', '-t', 'kc-data', '-K', ':'], 'k1:one\nk2:two\nk1:three\n');
    const out = await kcat(['-b', broker.brokers, '-C', '-t', 'kc-data', '-e', '-q', '-f', '%k=%s\\n']);
    const lines = out.trim().split('\n').sort();
    expect(lines).toEqual(['k1=one', 'k1=three', 'k2=two']);
    // kafkajs reads what librdkafka wrote, and the other way round
    const producer = kafka(broker.brokers).producer();
    await producer.connect();
    await producer.send({ topic: 'kc-data', messages: [{ key: 'k3', value: 'from-kafkajs' }] });
    await producer.disconnect();
    const again = await kcat(['-b', broker.brokers, '-C', '-t', 'kc-data', '-e', '-q', '-f', '%k=%s\\n']);
    expect(again).toContain('k3=from-kafkajs');
    const consumer = kafka(broker.brokers).consumer({ groupId: 'kc-js', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'kc-data', fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor(() => seen.length >= 4, 15000, 'kafkajs to read kcat messages');
    await consumer.disconnect();
    expect(seen.sort()).toEqual(['from-kafkajs', 'one', 'three', 'two']);
  });

  it('stores every codec librdkafka produces (gzip, snappy, lz4, zstd) and its idempotent producer', async () => {
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'])
      await kcat(['-b', broker.brokers, '-P', '-t', 'kc-codecs', '-p', '0', '-z', codec], `${codec}-1\n${codec}-2\n`);
    await kcat(['-b', broker.brokers, '-P', '-t', 'kc-codecs', '-p', '0', '-X', 'enable.idempotence=true'], 'idem-1\nidem-2\n');
    const out = await kcat(['-b', broker.brokers, '-C', '-t', 'kc-codecs', '-p', '0', '-e', '-q', '-f', '%o %s\\n']);
    expect(out.trim().split('\n')).toEqual(['gzip-1', 'gzip-2', 'snappy-1', 'snappy-2', 'lz4-1', 'lz4-2', 'zstd-1', 'zstd-2', 'idem-1', 'idem-2'].map((v, i) => `${i} ${v}`));
  });

  it('consumes as a group with -G and resumes from committed offsets', async () => {
    await kcat(['-b', broker.brokers, '-P', '-t', 'kc-group'], 'a\nb\nc\n');
    const group = ['-b', broker.brokers, '-G', 'kc-g', 'kc-group', '-e', '-q', '-X', 'auto.offset.reset=earliest', '-f', '%s\\n'];
    expect((await kcat(group)).trim().split('\n').sort()).toEqual(['a', 'b', 'c']);
    await kcat(['-b', broker.brokers, '-P', '-t', 'kc-group'], 'd\n');
    expect((await kcat(group)).trim()).toBe('d');
  });

  it('runs as a CLI: prints its address, serves kcat, stops on SIGTERM', async () => {
    const data = tmpDir();
    const { child, brokers, stdout } = await runCli(['--data-dir', data, '--partitions', '2', '--quiet']);
    expect(stdout()).toMatch(/^listening on 127\.0\.0\.1:\d+\n$/);
    await kcat(['-b', brokers, '-P', '-t', 'cli-topic'], 'x\n');
    expect(await kcat(['-b', brokers, '-L', '-t', 'cli-topic'])).toContain('topic "cli-topic" with 2 partitions');
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    fs.rmSync(data, { recursive: true, force: true });
  });
});
