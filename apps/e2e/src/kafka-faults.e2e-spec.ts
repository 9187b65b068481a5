// Faults on a real cluster (issue 11 §4): a 3-broker Apache Kafka cluster (replication 3, min.insync.replicas 2) under
// two instances of every service. Hundreds of claims race for a coupon with little stock while, in turn, the broker
// leading the coupon's wallet.commands.v1 partition, the one leading its wallet.events.v1 partition, and the active
// KRaft controller are killed -9 and started again on their data dir; then one wallet instance (the one deciding the
// coupon) is killed -9 under the race, so its group rebalances in the middle of decisions. After each run: no coupon
// over-issued, every 201 in its owner's wallet, every 202 claimed or refused (never both), no claim duplicated, each
// coupon.claimed once on its owner's SSE stream, `replay --verify` equal, and the cluster heals.
//
// This file runs only in the Apache Kafka step (E2E_KAFKA=apache; `npm run e2e -- --kafka apache`): it needs real
// brokers to kill, and runs on its own 3-node cluster. In the embedded-broker step it skips itself, saying so.
import { Topics } from '@coupons/contracts';
import { ApacheKafkaCluster } from '@coupons/apache-kafka';
import { RunningStack, ServiceProcess, readEnvelopes, startStack } from '@coupons/testing';
import { ConfigResourceTypes, Kafka, Partitioners, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Attempt, checkInvariants, consumedByTopic, openStream, sleep, verifyEveryService, waitUntil, waitUntilSettled } from './support/durability';
import { Api } from './support/http';

const ON_APACHE = process.env.E2E_KAFKA === 'apache';
if (!ON_APACHE) console.log('kafka-faults: skipped, it kills brokers of a real cluster: run it with E2E_KAFKA=apache (npm run e2e -- --kafka apache)');

/** Claims per run (one per user, so only the stock limits them), and the coupon's stock. */
const CLAIMS = 240;
const STOCK = 80;
/** Concurrent claimers, and each one's pause between claims: the race lasts long enough to span the failover. */
const WORKERS = 12;
const THINK_MS = 100;
/** The fault strikes once this many claims have been answered, and the victim stays down this long. */
const KILL_AFTER = 30;
const DOWN_MS = 6_000;

type Fault =
  | { kind: 'partition leader'; topic: string }
  | { kind: 'controller' }
  | { kind: 'service instance'; service: 'wallet' };

type Stream = Awaited<ReturnType<typeof openStream>>;

interface Figures {
  run: string;
  victim: string;
  answered: Record<string, number>;
  foundInWallets: number;
  pendingClaimed: number;
  pendingRefused: number;
  overIssued: number;
  duplicated: number;
  streamEvents: number;
  topicEvents: number;
  healSeconds: number | null;
}

(ON_APACHE ? describe : describe.skip)('faults on a 3-broker Apache Kafka cluster, two instances of every service', () => {
  let stack: RunningStack;
  let cluster: ApacheKafkaCluster;
  let merchant: Api;
  const allAttempts: Attempt[] = [];
  const figures: Figures[] = [];

  beforeAll(async () => {
    stack = await startStack({
      kafka: 'apache',
      kafkaBrokers: 3,
      instances: { 'coupon-catalog': 2, wallet: 2, ordering: 2, 'scan-gateway': 2 },
      env: { REQUEST_TIMEOUT_MS: '5000' },
      healthTimeoutMs: 120_000,
    });
    cluster = stack.kafkaCluster!;
    // The wallet's topics as provisioned: three replicas, two of them in sync for a write to be acknowledged.
    const admin = kafka().admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [Topics.walletCommands, Topics.walletEvents] });
      for (const t of topics) for (const p of t.partitions) expect(p.replicas).toHaveLength(3);
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [Topics.walletCommands, Topics.walletEvents].map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['min.insync.replicas'] })),
      });
      for (const r of resources) expect(r.configEntries.find((c) => c.configName === 'min.insync.replicas')?.configValue).toBe('2');
    } finally {
      await admin.disconnect();
    }
    merchant = new Api(stack.gatewayUrl, await stack.devToken('kf-merchant', ['merchant']));
  }, 300_000);

  afterAll(async () => {
    if (figures.length) console.log(`kafka-faults figures:\n  ${figures.map((f) => JSON.stringify(f)).join('\n  ')}`);
    await stack?.stop();
  });

  const gateways = () => stack.processes.filter((p) => p.service === 'scan-gateway');

  const kafka = () => new Kafka({ clientId: 'kafka-faults', brokers: stack.brokers.split(','), logLevel: logLevel.NOTHING });

  /** The partition Kafka's default partitioner (the services' producers use it) puts a key on. */
  const partitionOf = async (topic: string, key: string): Promise<number> => {
    const a = kafka().admin();
    await a.connect();
    try {
      const { topics } = await a.fetchTopicMetadata({ topics: [topic] });
      const partitionMetadata = topics[0].partitions.map((p) => ({ ...p, partitionErrorCode: p.partitionErrorCode ?? 0 }));
      return Partitioners.DefaultPartitioner()({ topic, partitionMetadata, message: { key, value: null } });
    } finally {
      await a.disconnect();
    }
  };

  /**
   * One run: a fresh coupon with STOCK, CLAIMS users each with an SSE stream open, the race, the fault once
   * KILL_AFTER claims are answered, the victim back after DOWN_MS; then every check, and the run's figures.
   */
  async function race(run: string, fault: Fault): Promise<void> {
    const created = await merchant.post('/v1/admin/coupons', {
      title: `Fault ${run}`, discount: { type: 'AMOUNT_OFF', amount: 50 }, totalQuantity: STOCK, perUserLimit: 1, validDaysAfterClaim: 30,
    });
    expect(created.status).toBe(201);
    const couponId: string = created.body.couponId;
    const users = await Promise.all(Array.from({ length: CLAIMS }, async (_, i) => {
      const id = `kf-${run.replace(/\W+/g, '-')}-${i}`;
      return { id, token: await stack.devToken(id) };
    }));
    // Streams spread over both gateways, open before the first claim.
    const streams = new Map<string, Stream>();
    for (const [i, u] of users.entries()) streams.set(u.id, await openStream(gateways()[i % 2].url, u.token));

    // The first claim, before the race, tells which partitions the coupon's commands and events are on.
    const attempts: Attempt[] = [];
    attempts.push(await claim(users[0], couponId));
    const eventKey = await outboxKey(couponId);
    const commandPartition = await partitionOf(Topics.walletCommands, couponId);
    const eventPartition = await partitionOf(Topics.walletEvents, eventKey);

    let victim = '';
    let strike: () => Promise<() => Promise<void>>;
    if (fault.kind === 'partition leader') {
      const partition = fault.topic === Topics.walletCommands ? commandPartition : eventPartition;
      const id = await cluster.partitionLeader(fault.topic, partition);
      victim = `broker ${id}, leader of ${fault.topic}:${partition}`;
      strike = killNode(id);
    } else if (fault.kind === 'controller') {
      const id = await cluster.quorumLeader();
      victim = `broker ${id}, the active controller`;
      strike = killNode(id);
    } else {
      const wallets = stack.processes.filter((p) => p.service === fault.service);
      const before = await Promise.all(wallets.map(consumedCommands));
      victim = `the ${fault.service} instance deciding ${Topics.walletCommands}:${commandPartition}`;
      strike = async () => {
        // The instance that consumed the race's commands so far holds the coupon's partition.
        const after = await Promise.all(wallets.map(consumedCommands));
        const target = wallets[after.reduce((best, n, i) => (n - before[i] > after[best] - before[best] ? i : best), 0)];
        victim += ` (${target.label})`;
        await target.kill('SIGKILL');
        return async () => {
          target.start();
          await target.waitHealthy(120_000);
        };
      };
    }

    // The race: each user claims once; no answer or a 5xx is retried with the same Idempotency-Key on the other gateway.
    let next = 1;
    let answered = 1;
    let struck: Promise<() => Promise<void>> | undefined;
    const claimers = Array.from({ length: WORKERS }, async () => {
      while (next < users.length) {
        const u = users[next++];
        attempts.push(await claim(u, couponId));
        if (++answered >= KILL_AFTER && !struck) struck = strike();
        await sleep(THINK_MS);
      }
    });
    // The victim comes back DOWN_MS after its death, whether or not the race is still on.
    const back = (async () => {
      await waitUntil(() => !!struck, 'the fault', 120_000);
      const restart = await struck!;
      await sleep(DOWN_MS);
      const restartedAt = Date.now();
      await restart();
      return restartedAt;
    })();
    await Promise.all(claimers);
    const restartedAt = await back;

    // The cluster heals (every partition's in-sync replicas all its replicas again), watched while the checks run.
    const healed = fault.kind === 'service instance' ? Promise.resolve(null) : (async () => {
      const deadline = Date.now() + 180_000;
      let urp = -1;
      while (Date.now() < deadline) {
        urp = await cluster.underReplicatedPartitions().catch(() => -1);
        if (urp === 0) return Number(((Date.now() - restartedAt) / 1000).toFixed(1));
        await sleep(500);
      }
      throw new Error(`${urp} partitions still under-replicated 180 s after the restart of ${victim}`);
    })();
    healed.catch(() => undefined);

    allAttempts.push(...attempts);
    // Unsettled, the run's figures are still printed, then the claims left undecided are named.
    const unsettled = await waitUntilSettled(stack.databaseUrl, attempts, 90_000).then(() => undefined, async (err: Error) => `${err.message}\n${await undecided(attempts)}`);
    if (unsettled) console.log(`kafka-faults ${run}: ${unsettled}`);
    try {
      await checkRun(run, victim, couponId, attempts, streams);
    } finally {
      for (const st of streams.values()) st.close();
    }
    if (unsettled) throw new Error(unsettled);
    await checkInvariants(stack.databaseUrl, allAttempts);

    const verify = await verifyEveryService(stack);
    console.log(`kafka-faults ${run}: replay --verify\n  ${verify.join('\n  ')}`);
    const healSeconds = await healed;
    figures.find((f) => f.run === run)!.healSeconds = healSeconds;
    console.log(`kafka-faults ${run}: healed ${healSeconds === null ? '(no broker killed)' : `${healSeconds} s after the restart`}`);
  }

  /** One user's claim as a terminal makes it: retried on no answer or a 5xx with the same key, the other gateway next. */
  async function claim(user: { id: string; token: string }, couponId: string): Promise<Attempt> {
    const key = randomUUID();
    let last: { status: number; body: any } | undefined;
    for (let tries = 1; ; tries++) {
      const g = gateways().filter((p) => p.running);
      const api = new Api(g[tries % g.length].url, user.token);
      try {
        last = await api.post('/v1/claims', { couponId }, { 'idempotency-key': key });
        if (last.status < 500) return { kind: 'claim', user: user.id, key, status: last.status, body: last.body, tries };
      } catch {
        last = undefined;
      }
      if (tries >= 8) return { kind: 'claim', user: user.id, key, status: last?.status ?? 0, body: last?.body, tries };
      await sleep(300 * tries);
    }
  }

  /** Kills -9 one broker; resolves to what starts it again on its data dir and waits until the cluster lists it. */
  function killNode(id: number): () => Promise<() => Promise<void>> {
    return async () => {
      const node = cluster.node(id);
      await node.kill('SIGKILL');
      return async () => {
        await node.start();
        await cluster.waitReady();
      };
    };
  }

  const consumedCommands = async (p: ServiceProcess) => (await consumedByTopic(p.url))[Topics.walletCommands] ?? 0;

  /** Each 2xx claim with no decision: its answer, and whether its command is on the topic and was seen by the wallet. */
  async function undecided(attempts: Attempt[]): Promise<string> {
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const commands = await readEnvelopes(kafka(), [Topics.walletCommands]);
      const lines: string[] = [];
      for (const a of attempts.filter((x) => x.status === 201 || x.status === 202)) {
        const decided = (await db.query(`SELECT 1 FROM wallet.command_outcome WHERE outcome->'payload'->>'claimId' = $1`, [a.body.claimId])).rowCount;
        if (decided) continue;
        const onTopic = commands.filter((c) => (c.payload as { claimId?: string }).claimId === a.body.claimId);
        const seen = onTopic.length ? (await db.query(`SELECT command_id FROM wallet.command_outcome WHERE command_id = ANY($1)`, [onTopic.map((c) => c.eventId)]).catch((e: Error) => ({ rows: [e.message] }))).rows : [];
        lines.push(`undecided ${a.status} ${a.body.claimId} user ${a.user} tries ${a.tries}: ${onTopic.length} command(s) on ${Topics.walletCommands} ${JSON.stringify(onTopic.map((c) => c.eventId))}, processed ${JSON.stringify(seen)}`);
      }
      return lines.join('\n');
    } finally {
      await db.end();
    }
  }

  /** The Kafka key of the coupon's CouponClaimed events, from the wallet's outbox. */
  async function outboxKey(couponId: string): Promise<string> {
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT key FROM wallet.outbox WHERE topic = $1 AND envelope->'payload'->>'couponId' = $2 LIMIT 1`, [Topics.walletEvents, couponId]);
      if (!rows[0]) throw new Error(`no ${Topics.walletEvents} row of coupon ${couponId} in wallet.outbox`);
      return rows[0].key;
    } finally {
      await db.end();
    }
  }

  /** The run's figures, printed before they are checked (so a failing run still says what it saw). */
  async function checkRun(run: string, victim: string, couponId: string, attempts: Attempt[], streams: Map<string, Stream>): Promise<Figures> {
    const answered: Record<string, number> = {};
    for (const a of attempts) answered[a.status] = (answered[a.status] ?? 0) + 1;
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    let f: Figures;
    const checks: Array<() => void> = [];
    try {
      const { rows: claims } = await db.query<{ claim_id: string; user_id: string }>(`SELECT claim_id, user_id FROM wallet.claim WHERE coupon_id = $1`, [couponId]);
      const byId = new Map(claims.map((c) => [c.claim_id, c.user_id]));
      const ok = attempts.filter((a) => a.status === 201);
      const pending = attempts.filter((a) => a.status === 202);
      const foundInWallets = ok.filter((a) => byId.get(a.body.claimId) === a.user).length;
      const pendingClaimed = pending.filter((a) => byId.get(a.body.claimId) === a.user).length;
      // A 202 ends claimed or refused, never both: its one decision is the wallet's command_outcome row.
      const decided = Number((await db.query(
        `SELECT count(*) AS n FROM wallet.command_outcome WHERE outcome->'payload'->>'claimId' = ANY($1)`, [pending.map((a) => a.body.claimId)],
      )).rows[0].n);
      const known = new Set([...ok, ...pending].map((a) => a.body.claimId));
      const unasked = claims.filter((c) => !known.has(c.claim_id));
      // perUserLimit is 1 and each user claims once: two claims of one user would be one request's effect twice.
      const duplicated = claims.length - new Set(claims.map((c) => c.user_id)).size;
      const overIssued = Math.max(0, claims.length - STOCK);
      const issued = Number((await db.query(`SELECT coalesce(sum(issued), 0) AS n FROM coupon_catalog.coupon_usage WHERE coupon_id = $1`, [couponId])).rows[0].n);

      // Each claim's coupon.claimed on its owner's stream, once; none for anything else. Waited for, then a moment
      // more so a late copy would show.
      const onStream = () => [...streams.entries()].flatMap(([user, st]) => st.events.filter((e) => e.event === 'coupon.claimed' && e.data.couponId === couponId).map((e) => ({ user, claimId: e.data.claimId as string })));
      await waitUntil(() => new Set(onStream().map((e) => e.claimId)).size >= claims.length, `${claims.length} coupon.claimed on the streams`, 60_000).catch(() => undefined);
      await sleep(1_500);
      const seen = onStream();
      // On the topic: every claim's CouponClaimed (delivery is at-least-once, so a copy is counted, not refused).
      const onTopic = (await readEnvelopes(kafka(), [Topics.walletEvents]))
        .filter((e) => e.type === 'CouponClaimed' && (e.payload as { couponId: string }).couponId === couponId);

      f = {
        run, victim, answered, foundInWallets, pendingClaimed, pendingRefused: pending.length - pendingClaimed, overIssued, duplicated,
        streamEvents: seen.length, topicEvents: onTopic.length, healSeconds: null,
      };
      checks.push(
        // Every claim got an answer a terminal can act on: claimed, pending, or refused.
        () => expect(attempts.filter((a) => ![201, 202, 409].includes(a.status))).toEqual([]),
        () => expect(foundInWallets).toBe(ok.length),
        () => expect(decided).toBe(pending.length),
        () => expect(unasked).toEqual([]),
        () => expect(overIssued).toBe(0),
        () => expect(duplicated).toBe(0),
        () => expect(issued).toBe(claims.length),
        () => expect(seen.filter((e) => byId.get(e.claimId) !== e.user)).toEqual([]),
        () => expect(seen.length).toBe(claims.length),
        () => expect(new Set(seen.map((e) => e.claimId)).size).toBe(claims.length),
        () => expect(new Set(onTopic.map((e) => (e.payload as { claimId: string }).claimId))).toEqual(new Set(byId.keys())),
      );
    } finally {
      await db.end();
    }
    figures.push(f);
    console.log(`kafka-faults ${run}: ${JSON.stringify(f)}`);
    for (const check of checks) check();
    return f;
  }

  it('kill -9 of the broker leading the coupon\'s wallet.commands.v1 partition', async () => {
    await race('commands-leader', { kind: 'partition leader', topic: Topics.walletCommands });
  }, 300_000);

  it('kill -9 of the broker leading the coupon\'s wallet.events.v1 partition', async () => {
    await race('events-leader', { kind: 'partition leader', topic: Topics.walletEvents });
  }, 300_000);

  it('kill -9 of the active controller', async () => {
    await race('controller', { kind: 'controller' });
  }, 300_000);

  it('kill -9 of the wallet instance deciding the race (its group rebalances mid-decision)', async () => {
    await race('wallet-instance', { kind: 'service instance', service: 'wallet' });
  }, 300_000);
});
