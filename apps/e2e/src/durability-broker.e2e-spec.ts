// Durability, continued (issue 5): poison messages through a real service go to the dead-letter topic with their
// error and the partition moves on; the broker restarted under load (same port, same data dir) is reconnected to by
// every service and nothing acknowledged is lost; `replay --from-scratch` rebuilds a stopped service's schema, the
// service refuses to start while a rebuild is in progress, and idempotent repeats still answer the first response.
import { Topics, envelope } from '@coupons/contracts';
import { RunningStack, startStack } from '@coupons/testing';
import { Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  Attempt, checkInvariants, runLoad, runReplay, setUpWorld, sleep, tally, verifyEveryService, waitUntilSettled, World,
} from './support/durability';
import { Api } from './support/http';

async function readAll(kafka: Kafka, topic: string, until: (m: KafkaMessage[]) => boolean, timeoutMs = 30_000): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `e2e-reader-${randomUUID()}` });
  const out: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  await consumer.run({ eachMessage: async ({ message }) => { out.push(message); if (until(out)) done(); } });
  const timer = setTimeout(done, timeoutMs);
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  return out;
}

describe('durability: dead letters, broker restart under load, rebuild from scratch', () => {
  let stack: RunningStack;
  let world: World;
  let kafka: Kafka;
  const brokerDir = mkdtempSync(join(tmpdir(), 'e2e-broker-'));

  beforeAll(async () => {
    stack = await startStack({ brokerDataDir: brokerDir, env: { REQUEST_TIMEOUT_MS: '5000' } });
    kafka = new Kafka({ clientId: 'e2e-durability', brokers: [stack.brokers], logLevel: logLevel.NOTHING });
    world = await setUpWorld(stack, 30);
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(brokerDir, { recursive: true, force: true });
  });

  it('dead-letters poison commands with their error and keeps deciding the partition', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const couponId = world.couponIds[0];
    // Not JSON; a ClaimCoupon whose payload fails validation; a valid message the wallet's handler fails for good on.
    const invalid = envelope('ClaimCoupon', { couponId }, { aggregateId: couponId, correlationId: randomUUID() });
    const wrongType = envelope('StoreUpserted', { storeId: 'x', name: 'not a wallet command' }, { aggregateId: couponId, correlationId: randomUUID() });
    await producer.send({
      topic: Topics.walletCommands,
      acks: -1,
      messages: [
        { key: couponId, value: 'not json at all' },
        { key: couponId, value: JSON.stringify(invalid) },
        { key: couponId, value: JSON.stringify(wrongType) },
      ],
    });
    await producer.disconnect();

    const letters = await readAll(kafka, Topics.deadLetter, (m) => m.filter((x) => x.headers?.['x-dlq-topic']?.toString() === Topics.walletCommands).length >= 3);
    const mine = letters.filter((x) => x.headers?.['x-dlq-topic']?.toString() === Topics.walletCommands);
    const errors = mine.map((m) => m.headers!['x-dlq-error']!.toString());
    expect(errors).toEqual([expect.stringMatching(/not JSON/), expect.stringMatching(/invalid ClaimCoupon/), expect.stringMatching(/not a wallet command/)]);
    expect(mine.map((m) => m.value!.toString())).toEqual(['not json at all', JSON.stringify(invalid), JSON.stringify(wrongType)]);

    // The same partition (same key) goes on: a claim of that coupon is decided.
    const user = world.users[0];
    const res = await new Api(stack.gatewayUrl, user.token).post('/v1/claims', { couponId });
    expect(res.status).toBe(201);
  });

  it('restarts the broker under load: services reconnect, nothing acknowledged is lost, replay --verify is equal', async () => {
    let stop = false;
    const started = Date.now();
    const load = runLoad({ gateways: () => [stack.gatewayUrl], world, workers: 3, thinkMs: 50, shouldStop: () => stop });
    await sleep(6_000);
    await stack.restartBroker(2_000);
    const restartedAt = (Date.now() - started) / 1000;
    // Every service must come back by itself: answered requests again after the restart. Apache Kafka reloads each
    // group with its members from before the restart and rebalances only once they rejoin or their session times
    // out, so recovery there takes longer than on the embedded broker, which forgets members when it stops.
    await sleep(stack.kafka === 'apache' ? 40_000 : 14_000);
    stop = true;
    const attempts: Attempt[] = await load;
    console.log(`broker restart at ${restartedAt.toFixed(1)} s: ${attempts.length} requests; ${JSON.stringify(tally(attempts))}`);
    const answeredAfter = attempts.slice(Math.floor(attempts.length * 0.8));
    expect(answeredAfter.filter((a) => a.status === 201 || a.status === 409).length).toBeGreaterThan(answeredAfter.length * 0.8);
    for (const p of stack.processes) await p.waitHealthy(30_000);

    await waitUntilSettled(stack.databaseUrl, attempts);
    console.log(`broker restart: settled, ${JSON.stringify(await checkInvariants(stack.databaseUrl, attempts))}`);
    console.log(`broker restart: replay --verify\n  ${(await verifyEveryService(stack)).join('\n  ')}`);
  }, 300_000);

  it('rebuilds a stopped wallet with --from-scratch; the wallet refuses to start meanwhile, and remembers every outcome', async () => {
    const user = world.users[1];
    const api = new Api(stack.gatewayUrl, user.token);
    const key = randomUUID();
    const first = await api.post('/v1/claims', { couponId: world.couponIds[1] }, { 'idempotency-key': key });
    expect([201, 409]).toContain(first.status);

    // Refused while the service runs.
    const whileRunning = await runReplay(stack, 'wallet', 'wallet', ['--from-scratch']);
    expect(whileRunning.code).toBe(1);
    expect(whileRunning.stderr).toMatch(/wallet is running/);

    const wallet = stack.proc('wallet');
    await wallet.kill('SIGTERM');
    // A rebuild in progress (the marker a --from-scratch sets; here one that died half way): the wallet refuses to start.
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      // What --from-scratch leaves when it dies half way (service-kit setRebuildMarker): the marker schema, commented.
      await db.query(`CREATE SCHEMA wallet_rebuild`);
      await db.query(`COMMENT ON SCHEMA wallet_rebuild IS 'rebuild started by the e2e test'`);
      wallet.start();
      await wallet.waitExit();
      expect(wallet.exit?.code).not.toBe(0);
      expect(wallet.tail(80)).toMatch(/schema wallet is being rebuilt by `npm run replay -- <service> --from-scratch` \(rebuild started by the e2e test\)/);

      const rebuilt = await runReplay(stack, 'wallet', 'wallet', ['--from-scratch']);
      if (rebuilt.code !== 0) throw new Error(`--from-scratch exited ${rebuilt.code}:\n${rebuilt.stdout}\n${rebuilt.stderr}`);
      expect(rebuilt.stderr).toMatch(/an earlier rebuild did not finish/);
      expect(rebuilt.stdout).toMatch(/rebuilt schema wallet; wallet may start again/);
      expect(rebuilt.stdout).toMatch(/claim\s+\d+ rows/);
      expect((await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'wallet_rebuild'`)).rows).toEqual([]);
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS wallet_rebuild CASCADE`).catch(() => undefined);
      await db.end();
    }
    wallet.start();
    await wallet.waitHealthy(60_000);

    // The rebuilt wallet answers the repeat with the first response, decides new claims, and verifies equal.
    const repeat = await api.post('/v1/claims', { couponId: world.couponIds[1] }, { 'idempotency-key': key });
    expect(repeat.status).toBe(first.status);
    expect(repeat.body).toEqual(first.body);
    const fresh = await new Api(stack.gatewayUrl, world.users[2].token).post('/v1/claims', { couponId: world.couponIds[3] });
    expect([201, 409]).toContain(fresh.status);
    await verifyEveryService(stack);
  }, 240_000);
});
