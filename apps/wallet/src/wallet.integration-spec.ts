import {
  ClaimCoupon, ClaimRejected, CouponClaimed, CouponCreated, Envelope, Queries, QueryReply, Topics, WalletView, envelope,
} from '@coupons/contracts';
import { createKafka, decodeWithUpcasters, ensureTopics, fetchMarks, findCommandOutcome, rebuildSchema, replayRange } from '@coupons/messaging';
import { assertSchemaInSync, runMigrationsWithLock, validateEnv } from '@coupons/service-kit';
import { RunningBroker, createTestDatabase, insertColumnGaps, readEnvelopes, recordStatements, testBroker } from '@coupons/testing';
import { ClientKafka } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { firstValueFrom, timeout } from 'rxjs';
import { DataSource } from 'typeorm';
import { WALLET_QUERY_PATTERNS, startWallet } from './bootstrap';
import { walletDataSourceOptions } from './database/data-source';
import { WalletEnv } from './env';
import { walletReplayTarget } from './replay/replay';
import { WalletMessagesService } from './wallet/wallet-messages.service';
import { walletProjection } from './wallet/wallet.projection';

jest.setTimeout(90_000);

const GRACE_MS = 400;
const DAY = 86_400_000;

let broker: RunningBroker;
/** Every statement the service ran (hand-written SQL checked against the entities at the end). */
let statements: string[] = [];
let app: NestFastifyApplication;
let db: DataSource;
let queries: ClientKafka;
let kafka: Kafka;
let producer: Producer;
let url: string;
let sut: WalletMessagesService;

const query = <T>(pattern: string, payload: object) =>
  firstValueFrom(queries.send<QueryReply<T>>(pattern, { value: payload }).pipe(timeout(20_000)));

async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const event = (type: string, payload: object, key: string): Envelope => envelope(type, payload, { aggregateId: key, correlationId: randomUUID() });

/** Folds events at once with the projection's folds, in a transaction of their own (as a replay does). */
const foldNow = (ds: DataSource, ...events: Envelope[]) => ds.transaction((em) => walletProjection.applyMany(em, events));

/** Decides a run of claim commands through the pipeline, as the consumer does. */
const decideRun = (cmds: Envelope[]) => sut.claims.decideRun(cmds);
const decideOne = async (cmd: Envelope) => (await decideRun([cmd]))[0];
/** The stored outcome of a command, once there is one. */
const outcomeOf = (commandId: string): Promise<Envelope> => waitFor(async () => (await findCommandOutcome(db, commandId)) ?? undefined, `the outcome of ${commandId}`);

/** A CouponCreated on catalog.events.v1 (the record replay reads), folded at once so decisions can use it. */
async function createCoupon(couponId: string, terms: Partial<CouponCreated> = {}, opts: { fold?: boolean } = {}): Promise<Envelope<CouponCreated>> {
  const payload: CouponCreated = {
    merchantId: 'm-1', couponId, title: `title of ${couponId}`, discount: { type: 'AMOUNT_OFF', amount: 500 }, minSpend: 0, target: {}, storeIds: [], totalQuantity: 3,
    perUserLimit: 1, claimableFrom: null, claimableUntil: null, validDaysAfterClaim: null, validUntil: null, priority: 0, status: 'ACTIVE',
    createdAt: '2026-01-01T00:00:00.000Z', ...terms,
  };
  const e = event('CouponCreated', payload, couponId) as Envelope<CouponCreated>;
  await producer.send({ topic: Topics.catalogEvents, acks: -1, messages: [{ key: couponId, value: JSON.stringify(e) }] });
  if (opts.fold !== false) await foldNow(db, e);
  return e;
}

async function publish(topic: string, e: Envelope): Promise<void> {
  await producer.send({ topic, acks: -1, messages: [{ key: e.aggregateId, value: JSON.stringify(e) }] });
}

const claimCmd = (couponId: string, userId: string, claimId = `cl-${randomUUID()}`): Envelope<ClaimCoupon> =>
  envelope('ClaimCoupon', { claimId, couponId, userId, requestedAt: new Date().toISOString() }, { aggregateId: couponId, correlationId: randomUUID() });

/**
 * Decides a command as the consumer does (retrying like the runner), and returns its stored outcome event (a parked
 * one's once the sweeper has decided it).
 */
async function decide(cmd: Envelope<ClaimCoupon>): Promise<Envelope<CouponClaimed | ClaimRejected>> {
  for (;;) {
    const r = await decideOne(cmd);
    if (r.status === 'retry') continue;
    expect(['done', 'duplicate']).toContain(r.status);
    break;
  }
  return (await outcomeOf(cmd.eventId)) as Envelope<CouponClaimed | ClaimRejected>;
}

const claimsOf = (couponId: string) =>
  db.query(`SELECT claim_id, user_id, issue_seq, user_seq FROM claim WHERE coupon_id = $1 ORDER BY issue_seq`, [couponId]);

beforeAll(async () => {
  broker = await testBroker();
  url = await createTestDatabase(process.env.TEST_DATABASE_URL!, 'wallet');
  const env = validateEnv(WalletEnv)({ KAFKA_BROKERS: broker.brokers, DATABASE_URL: url, LOG_LEVEL: 'warn', INSTANCE_ID: 'wallet-test' });
  app = await startWallet({ ...env, HTTP_PORT: 0 } as WalletEnv, {
    host: '127.0.0.1', messaging: { relayPollIntervalMs: 100, retry: { initialMs: 50, maxMs: 200 } }, claims: { unknownCouponGraceMs: GRACE_MS },
  });
  sut = app.get(WalletMessagesService);
  statements = recordStatements(app.get(DataSource));
  db = new DataSource(walletDataSourceOptions(env));
  await db.initialize();
  kafka = createKafka(broker.brokers.split(','), 'wallet-test');
  producer = kafka.producer();
  await producer.connect();
  queries = new ClientKafka({ client: { clientId: 'wallet-test-queries', brokers: broker.brokers.split(',') }, consumer: { groupId: `wallet-test-${randomUUID()}` } });
  for (const p of WALLET_QUERY_PATTERNS) queries.subscribeToResponseOf(p);
  await queries.connect();
});

afterAll(async () => {
  await queries?.close();
  await producer?.disconnect();
  await db?.destroy();
  await app?.close();
  await broker?.stop();
});

describe('wallet service', () => {
  it('starts migrated and answers /health and /metrics', async () => {
    const base = await app.getUrl();
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { database: 'ok', kafka: 'ok' } });
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('process_cpu_user_seconds_total');
    await assertSchemaInSync(db);
  });

  it('answers getWallet with an empty wallet, and commandOutcome with not found', async () => {
    expect(await query<WalletView>(Queries.getWallet, { userId: 'nobody' })).toEqual({ ok: true, value: { coupons: [] } });
    expect(await query(Queries.commandOutcome.wallet, { commandId: 'x' })).toMatchObject({ ok: false, code: 'COMMAND_NOT_FOUND' });
  });

  it('folds catalog coupons and ordering redemptions; the wallet view shows claims and their status', async () => {
    await createCoupon('c-1', { title: '5 off' }, { fold: false });
    await waitFor(async () => (await db.query(`SELECT total_quantity FROM coupon_stock WHERE coupon_id = 'c-1'`))[0]?.total_quantity === 3, 'coupon_stock');

    // A claim as a replay of wallet.events applies it.
    const claimed: CouponClaimed = {
      claimId: 'cl-1', couponId: 'c-1', userId: 'u-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 },
      claimedAt: '2026-02-01T00:00:00.000Z', validUntil: null, issuedCount: 1, userClaimSeq: 1, totalQuantity: 3, perUserLimit: 1,
    };
    const claimedEvent = envelope('CouponClaimed', claimed, { aggregateId: 'c-1', correlationId: 'corr', causationId: 'cmd-1' });
    await publish(Topics.walletEvents, claimedEvent);
    expect(await foldNow(db, claimedEvent)).toEqual(['applied']);
    expect(await query(Queries.commandOutcome.wallet, { commandId: 'cmd-1' })).toEqual({ ok: true, value: claimedEvent });

    const redeemed = event('CouponRedeemed', { claimId: 'cl-1', couponId: 'c-1', userId: 'u-1', orderId: 'o-1', redeemedAt: '2026-02-02T00:00:00.000Z' }, 'u-1');
    await publish(Topics.orderingEvents, redeemed);
    await waitFor(async () => (await db.query(`SELECT order_id FROM claim_redemption WHERE claim_id = 'cl-1'`))[0], 'the redemption');
    expect(await query<WalletView>(Queries.getWallet, { userId: 'u-1' })).toEqual({
      ok: true,
      value: { coupons: [{ claimId: 'cl-1', couponId: 'c-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, status: 'REDEEMED', claimedAt: '2026-02-01T00:00:00.000Z', validUntil: null, orderId: 'o-1' }] },
    });
  });
});

describe('claim decisions', () => {
  it('claims a coupon: CouponClaimed with its sequences, terms and validity, the claim row and the outbox event in one go', async () => {
    await createCoupon('d-ok', { totalQuantity: 5, perUserLimit: 2, validDaysAfterClaim: 7 });
    const cmd = claimCmd('d-ok', 'alice');
    const before = Date.now();
    const out = await decide(cmd);
    expect(out.type).toBe('CouponClaimed');
    expect(out.causationId).toBe(cmd.eventId);
    const p = out.payload as CouponClaimed;
    expect(p).toMatchObject({ claimId: cmd.payload.claimId, couponId: 'd-ok', userId: 'alice', title: 'title of d-ok', issuedCount: 1, userClaimSeq: 1, totalQuantity: 5, perUserLimit: 2 });
    const claimedAt = Date.parse(p.claimedAt);
    expect(claimedAt).toBeGreaterThanOrEqual(before);
    expect(Date.parse(p.validUntil!)).toBe(claimedAt + 7 * DAY);
    expect(await claimsOf('d-ok')).toEqual([{ claim_id: cmd.payload.claimId, user_id: 'alice', issue_seq: 1, user_seq: 1 }]);
    const outbox = await db.query(`SELECT topic, key, envelope FROM outbox WHERE envelope->>'causationId' = $1`, [cmd.eventId]);
    expect(outbox).toEqual([{ topic: Topics.walletEvents, key: 'd-ok', envelope: out }]);
    // The second claim of the same user gets the next sequences.
    const second = (await decide(claimCmd('d-ok', 'alice'))).payload as CouponClaimed;
    expect(second).toMatchObject({ issuedCount: 2, userClaimSeq: 2 });
  });

  const past = new Date(Date.now() - DAY).toISOString();
  const future = new Date(Date.now() + DAY).toISOString();
  it.each<[string, Partial<CouponCreated>, string[], string]>([
    ['stock exhausted', { totalQuantity: 2 }, ['u-a', 'u-b'], 'OUT_OF_STOCK'],
    ['per-user limit reached', { totalQuantity: 10, perUserLimit: 2 }, ['u-me', 'u-me'], 'LIMIT_REACHED'],
    ['the limit is told before the stock', { totalQuantity: 1, perUserLimit: 1 }, ['u-me'], 'LIMIT_REACHED'],
    ['paused', { status: 'PAUSED' }, [], 'NOT_CLAIMABLE'],
    ['before the claim window', { claimableFrom: future }, [], 'NOT_CLAIMABLE'],
    ['after the claim window', { claimableUntil: past }, [], 'NOT_CLAIMABLE'],
  ])('refuses when %s', async (_name, terms, earlierClaims, code) => {
    const couponId = `d-${randomUUID().slice(0, 8)}`;
    await createCoupon(couponId, terms);
    for (const user of earlierClaims) expect((await decide(claimCmd(couponId, user))).type).toBe('CouponClaimed');
    const cmd = claimCmd(couponId, 'u-me');
    const out = await decide(cmd);
    expect(out).toMatchObject({ type: 'ClaimRejected', causationId: cmd.eventId, payload: { claimId: cmd.payload.claimId, couponId, userId: 'u-me', code } });
    expect(await claimsOf(couponId)).toHaveLength(earlierClaims.length);
  });

  it("daily caps count on the command's own day in the coupon's time zone: refused up to local midnight, claimable from it, also within one run", async () => {
    // 2026-03-10T16:00Z is midnight in Shanghai (the default zone); in Berlin it is 17:00, still the 10th.
    const at = (iso: string) => (c: Envelope<ClaimCoupon>): Envelope<ClaimCoupon> => ({ ...c, occurredAt: iso });
    const before = at('2026-03-10T15:59:59.999Z');
    const midnight = at('2026-03-10T16:00:00.000Z');
    const outcome = (o: Envelope) => (o.type === 'CouponClaimed' ? (o.payload as CouponClaimed).claimDay : (o.payload as ClaimRejected).code);
    await createCoupon('day-sh', { totalQuantity: 100, perUserLimit: 10, dailyQuantity: 2, perUserDailyLimit: 1 });
    await createCoupon('day-be', { totalQuantity: 100, perUserLimit: 10, dailyQuantity: 2, timeZone: 'Europe/Berlin' });

    // One by one: the coupon's cap and the user's cap on the 10th, then a new day at local midnight.
    expect(outcome(await decide(before(claimCmd('day-sh', 'ann'))))).toBe('2026-03-10');
    expect(outcome(await decide(before(claimCmd('day-sh', 'ann'))))).toBe('DAILY_LIMIT_REACHED');
    expect(outcome(await decide(before(claimCmd('day-sh', 'bob'))))).toBe('2026-03-10');
    expect(outcome(await decide(before(claimCmd('day-sh', 'cy'))))).toBe('DAILY_LIMIT_REACHED');
    const next = await decide(midnight(claimCmd('day-sh', 'ann')));
    expect(next.payload).toMatchObject({ claimDay: '2026-03-11', dayIssueSeq: 1, dayUserSeq: 1, issuedCount: 3, claimedAt: '2026-03-10T16:00:00.000Z' });

    // A run spanning Shanghai's midnight, and a Berlin coupon whose day has not ended at that instant.
    const run = [midnight(claimCmd('day-sh', 'bob')), before(claimCmd('day-sh', 'dee')), midnight(claimCmd('day-sh', 'cy')), midnight(claimCmd('day-sh', 'eve')),
      before(claimCmd('day-be', 'ann')), midnight(claimCmd('day-be', 'bob')), midnight(claimCmd('day-be', 'cy'))];
    expect((await decideRun(run)).map((o) => o.status)).toEqual(Array(run.length).fill('done'));
    const decided = await Promise.all(run.map((c) => outcomeOf(c.eventId)));
    expect(decided.map(outcome)).toEqual(['2026-03-11', 'DAILY_LIMIT_REACHED', 'DAILY_LIMIT_REACHED', 'DAILY_LIMIT_REACHED', '2026-03-10', '2026-03-10', 'DAILY_LIMIT_REACHED']);
    expect(await db.query(`SELECT claim_day, count(*)::int AS n, max(day_issue_seq) AS top FROM claim WHERE coupon_id = 'day-sh' GROUP BY claim_day ORDER BY claim_day`))
      .toEqual([{ claim_day: '2026-03-10', n: 2, top: 2 }, { claim_day: '2026-03-11', n: 2, top: 2 }]);
  });

  it('a decision that loses a race for the last claim of a day (lock bypassed) is decided again, and refused DAILY_LIMIT_REACHED', async () => {
    await createCoupon('day-lost', { totalQuantity: 10, perUserLimit: 10, dailyQuantity: 1, timeZone: 'UTC' });
    const other = db.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    await other.query(`INSERT INTO coupon_quota (coupon_id, total_quantity, per_user_limit) VALUES ('day-lost', 10, 10)`);
    // Issue 2 overall (no clash there), but the day's first: only claim_day_issue_seq_key stops our decision.
    await other.query(`INSERT INTO claim (claim_id, coupon_id, user_id, title, discount, claimed_at, valid_until, issue_seq, user_seq, total_quantity, per_user_limit,
        claim_day, day_issue_seq, day_user_seq)
      VALUES ('cl-day-intruder', 'day-lost', 'intruder', 't', '{"type":"AMOUNT_OFF","amount":1}', now(), NULL, 2, 1, 10, 10, '2026-05-05', 1, 1)`);
    const cmd: Envelope<ClaimCoupon> = { ...claimCmd('day-lost', 'u-1'), occurredAt: '2026-05-05T12:00:00.000Z' };
    const pending = decideOne(cmd);
    await new Promise((r) => setTimeout(r, 300));
    await other.commitTransaction();
    await other.release();
    expect(await pending).toEqual({ status: 'done' });
    expect((await findCommandOutcome(db, cmd.eventId))?.payload).toMatchObject({ code: 'DAILY_LIMIT_REACHED' });
    // Cleared so the replay below compares folds only (the intruder is no fold of any event).
    await db.query(`DELETE FROM claim WHERE claim_id = 'cl-day-intruder'`);
    await db.query(`DELETE FROM coupon_quota WHERE coupon_id = 'day-lost' AND NOT EXISTS (SELECT 1 FROM claim WHERE coupon_id = 'day-lost')`);
  });

  it('a paused coupon is refused once its CouponStatusChanged is folded, and claimable again when active', async () => {
    await createCoupon('d-pause');
    const paused = event('CouponStatusChanged', { couponId: 'd-pause', status: 'PAUSED' }, 'd-pause');
    await publish(Topics.catalogEvents, paused);
    await waitFor(async () => (await db.query(`SELECT status FROM coupon_stock WHERE coupon_id = 'd-pause'`))[0]?.status === 'PAUSED', 'the pause');
    expect((await decide(claimCmd('d-pause', 'u-1'))).payload).toMatchObject({ code: 'NOT_CLAIMABLE' });
    await publish(Topics.catalogEvents, event('CouponStatusChanged', { couponId: 'd-pause', status: 'ACTIVE' }, 'd-pause'));
    await waitFor(async () => (await db.query(`SELECT status FROM coupon_stock WHERE coupon_id = 'd-pause'`))[0]?.status === 'ACTIVE', 'the resume');
    expect((await decide(claimCmd('d-pause', 'u-1'))).type).toBe('CouponClaimed');
  });

  it('refuses an unknown coupon COUPON_NOT_FOUND after the grace, and waits for a coupon whose definition is on its way', async () => {
    const unknown = claimCmd('d-never', 'u-1');
    const t0 = Date.now();
    expect((await decide(unknown)).payload).toMatchObject({ code: 'COUPON_NOT_FOUND' });
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(GRACE_MS);
    expect(waited).toBeLessThan(GRACE_MS + 2_000);

    // Through Kafka: the command first, its coupon's CouponCreated a little later; the claim is granted, not refused.
    const late = claimCmd('d-late', 'u-1');
    await publish(Topics.walletCommands, late);
    await new Promise((r) => setTimeout(r, GRACE_MS / 2));
    await createCoupon('d-late', {}, { fold: false });
    const reply = await waitFor(async () => {
      const r = await query<Envelope>(Queries.commandOutcome.wallet, { commandId: late.eventId });
      return r.ok ? r.value : undefined;
    }, 'the late claim decided');
    expect(reply).toMatchObject({ type: 'CouponClaimed', payload: { claimId: late.payload.claimId, issuedCount: 1 } });
  });

  it('decides a duplicate command once, also when both copies are handled at the same time', async () => {
    await createCoupon('d-dup', { totalQuantity: 10, perUserLimit: 10 });
    const cmd = claimCmd('d-dup', 'u-1');
    const first = await decide(cmd);
    expect(await decideOne(cmd)).toEqual({ status: 'duplicate' });
    expect(await findCommandOutcome(db, cmd.eventId)).toEqual(first);

    const twin = claimCmd('d-dup', 'u-2');
    const results = await Promise.all([decideOne(twin), decideOne(twin), decideOne(twin)]);
    expect(results.map((r) => r.status).sort()).toEqual(['done', 'duplicate', 'duplicate']);
    expect(await claimsOf('d-dup')).toHaveLength(2);
    expect((await db.query(`SELECT count(*)::int AS n FROM outbox WHERE envelope->>'causationId' IN ($1, $2)`, [cmd.eventId, twin.eventId]))[0].n).toBe(2);
  });

  it('concurrent decisions for one coupon (as two instances would) issue exactly the stock', async () => {
    await createCoupon('d-race', { totalQuantity: 5, perUserLimit: 1 });
    const cmds = Array.from({ length: 24 }, (_, i) => claimCmd('d-race', `racer-${i % 12}`));
    const outcomes = await Promise.all(cmds.map((c) => decide(c)));
    const claimed = outcomes.filter((o) => o.type === 'CouponClaimed');
    expect(claimed).toHaveLength(5);
    expect(new Set(claimed.map((o) => o.payload.userId)).size).toBe(5);
    const refusals = outcomes.filter((o) => o.type === 'ClaimRejected').map((o) => (o.payload as ClaimRejected).code);
    expect(new Set(refusals)).toEqual(new Set(['OUT_OF_STOCK', ...(refusals.includes('LIMIT_REACHED') ? ['LIMIT_REACHED'] : [])]));
    expect((await claimsOf('d-race')).map((r: { issue_seq: number }) => r.issue_seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('decides a run of commands in one transaction exactly as one by one: sequences, stock, limits, repeats; parks an unknown coupon', async () => {
    await createCoupon('r-a', { totalQuantity: 3, perUserLimit: 2 });
    await createCoupon('r-b', { totalQuantity: 10, perUserLimit: 1 });
    const earlier = claimCmd('r-a', 'u-1');
    expect((await decide(earlier)).type).toBe('CouponClaimed');
    const run = [claimCmd('r-a', 'u-1'), claimCmd('r-b', 'u-1'), claimCmd('r-a', 'u-1'), claimCmd('r-a', 'u-2'), claimCmd('r-a', 'u-3'), claimCmd('r-b', 'u-1')];
    const unknown = claimCmd('r-unknown', 'u-1');
    const after = claimCmd('r-b', 'u-9');
    const outcomes = await decideRun([...run, earlier, run[1], unknown, after]);
    // The coupon not folded yet is parked, and the run goes on.
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done', 'duplicate', 'duplicate', 'done', 'done']);
    const decided = await Promise.all(run.map((c) => findCommandOutcome(db, c.eventId)));
    expect(decided.map((o) => (o!.type === 'CouponClaimed' ? [(o!.payload as CouponClaimed).issuedCount, (o!.payload as CouponClaimed).userClaimSeq] : (o!.payload as ClaimRejected).code)))
      .toEqual([[2, 2], [1, 1], 'LIMIT_REACHED', [3, 1], 'OUT_OF_STOCK', 'LIMIT_REACHED']);
    decided.forEach((o, i) => expect(o!.causationId).toBe(run[i].eventId));
    expect(await db.query(`SELECT command_id FROM parked_command WHERE command_id = $1`, [unknown.eventId])).toHaveLength(1);
    expect((await findCommandOutcome(db, after.eventId))?.type).toBe('CouponClaimed');
    const outbox = await db.query(`SELECT envelope->>'causationId' AS c FROM outbox WHERE envelope->>'causationId' = ANY($1) ORDER BY id`, [[earlier, ...run].map((c) => c.eventId)]);
    expect(outbox.map((r: { c: string }) => r.c)).toEqual([earlier, ...run].map((c) => c.eventId));
    expect((await claimsOf('r-a')).map((r: { user_id: string; issue_seq: number; user_seq: number }) => [r.user_id, r.issue_seq, r.user_seq]))
      .toEqual([['u-1', 1, 1], ['u-1', 2, 2], ['u-2', 3, 1]]);
    // Redelivered: the parked one and the decided one are duplicates.
    expect(await decideRun([unknown, after])).toEqual([{ status: 'duplicate' }, { status: 'duplicate' }]);
    expect((await outcomeOf(unknown.eventId)).payload).toMatchObject({ code: 'COUPON_NOT_FOUND' });
  });

  it('claims of coupons it does not know are parked, so the claims behind them in their partition are not held up; parked claims keep their order', async () => {
    await createCoupon('flood-ok', { totalQuantity: 10, perUserLimit: 1 });
    const flood = Array.from({ length: 20 }, (_, i) => claimCmd(`flood-${randomUUID()}`, `fu-${i}`));
    const later = [claimCmd('flood-later', 'lu-1'), claimCmd('flood-later', 'lu-2'), claimCmd('flood-later', 'lu-3')];
    const known = claimCmd('flood-ok', 'fu-ok');
    // One partition: the known coupon's claim comes after every unknown one.
    await producer.send({ topic: Topics.walletCommands, acks: -1, messages: [...flood, ...later, known].map((c) => ({ key: c.aggregateId, value: JSON.stringify(c), partition: 0 })) });
    const outcome = await outcomeOf(known.eventId);
    expect(outcome.type).toBe('CouponClaimed');
    // Its coupon arrives after the known one is decided: granted in command order (stock 2: the third is refused).
    await createCoupon('flood-later', { totalQuantity: 2, perUserLimit: 1 }, { fold: false });
    const laterOutcomes = await Promise.all(later.map((c) => outcomeOf(c.eventId)));
    expect(laterOutcomes.map((o) => (o.type === 'CouponClaimed' ? (o.payload as CouponClaimed).issuedCount : (o.payload as ClaimRejected).code))).toEqual([1, 2, 'OUT_OF_STOCK']);
    const refused = await Promise.all(flood.map((c) => outcomeOf(c.eventId)));
    expect(new Set(refused.map((o) => (o.payload as ClaimRejected).code))).toEqual(new Set(['COUPON_NOT_FOUND']));
    // Decision order is outbox order: the known claim was decided before any claim queued ahead of it.
    const order: Array<{ c: string }> = await db.query(`SELECT envelope->>'causationId' AS c FROM outbox WHERE envelope->>'causationId' = ANY($1) ORDER BY id`, [[...flood, ...later, known].map((c) => c.eventId)]);
    expect(order[0].c).toBe(known.eventId);
    expect(await db.query(`SELECT count(*)::int AS n FROM parked_command`)).toEqual([{ n: 0 }]);
  });

  it('runs decided at the same time (two instances during a rebalance) issue exactly the stock', async () => {
    await createCoupon('r-race', { totalQuantity: 5, perUserLimit: 1 });
    await createCoupon('r-other', { totalQuantity: 50, perUserLimit: 1 });
    // Both coupons in every run, in different orders: the locks are taken in coupon order, so no deadlock.
    const runs = [0, 1, 2].map((k) => Array.from({ length: 8 }, (_, i) => claimCmd((i + k) % 2 ? 'r-race' : 'r-other', `r-${k}-${i}`)));
    const results = await Promise.all(runs.map((r) => decideRun(r)));
    expect(results.flat().map((o) => o.status)).toEqual(Array(24).fill('done'));
    expect((await claimsOf('r-race')).map((r: { issue_seq: number }) => r.issue_seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await claimsOf('r-other')).map((r: { issue_seq: number }) => r.issue_seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('a decision that loses a race on the constraints (lock bypassed) is decided again, and refused properly', async () => {
    await createCoupon('d-lost', { totalQuantity: 1, perUserLimit: 1 });
    // Another writer that skips the stock lock takes issue 1 and commits while our decision is under way.
    const other = db.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    await other.query(`INSERT INTO coupon_quota (coupon_id, total_quantity, per_user_limit) VALUES ('d-lost', 1, 1)`);
    await other.query(`INSERT INTO claim (claim_id, coupon_id, user_id, title, discount, claimed_at, valid_until, issue_seq, user_seq, total_quantity, per_user_limit)
      VALUES ('cl-intruder', 'd-lost', 'intruder', 't', '{"type":"AMOUNT_OFF","amount":1}', now(), NULL, 1, 1, 1, 1)`);
    const cmd = claimCmd('d-lost', 'u-1');
    const pending = decideOne(cmd);
    await new Promise((r) => setTimeout(r, 300));
    await other.commitTransaction();
    await other.release();
    expect(await pending).toEqual({ status: 'done' });
    expect((await findCommandOutcome(db, cmd.eventId))?.payload).toMatchObject({ code: 'OUT_OF_STOCK' });
    // Not a fold of any event: removed so the replay below compares folds only.
    await db.query(`DELETE FROM claim WHERE claim_id = 'cl-intruder'`);
    await db.query(`DELETE FROM coupon_quota WHERE coupon_id = 'd-lost'`);
  });
});

describe('claim constraints (the lock bypassed: rows inserted directly)', () => {
  const insert = (claimId: string, userId: string, issueSeq: number, userSeq: number, total = 2, perUser = 2) =>
    db.query(
      `INSERT INTO claim (claim_id, coupon_id, user_id, title, discount, claimed_at, valid_until, issue_seq, user_seq, total_quantity, per_user_limit)
       VALUES ($1, 'k-1', $2, 't', '{"type":"AMOUNT_OFF","amount":1}', now(), NULL, $3, $4, $5, $6)`,
      [claimId, userId, issueSeq, userSeq, total, perUser],
    );
  const violation = async (p: Promise<unknown>) => {
    const err = await p.then(() => null, (e: { driverError?: { code: string; constraint: string } }) => e.driverError ?? e);
    return err && { code: (err as { code: string }).code, constraint: (err as { constraint: string }).constraint };
  };

  beforeAll(async () => {
    await db.query(`INSERT INTO coupon_quota (coupon_id, total_quantity, per_user_limit) VALUES ('k-1', 2, 2)`);
    await insert('k-a', 'u-1', 1, 1);
    await insert('k-b', 'u-1', 2, 2);
  });
  afterAll(async () => {
    await db.query(`DELETE FROM claim WHERE coupon_id = 'k-1'`);
    await db.query(`DELETE FROM coupon_quota WHERE coupon_id = 'k-1'`);
  });

  it.each([
    ['an issue past the stock', () => insert('k-c', 'u-2', 3, 1), { code: '23514', constraint: 'claim_issue_seq_check' }],
    ['an issue sequence taken twice', () => insert('k-c', 'u-2', 2, 1), { code: '23505', constraint: 'claim_issue_seq_key' }],
    ['a user sequence past the limit', () => insert('k-c', 'u-3', 1, 3), { code: '23514', constraint: 'claim_user_seq_check' }],
    ['a row claiming larger terms than the coupon has', () => insert('k-c', 'u-2', 3, 1, 100, 2), { code: '23503', constraint: 'claim_quota_fkey' }],
    ['a row with no quota at all', () => db.query(
      `INSERT INTO claim (claim_id, coupon_id, user_id, title, discount, claimed_at, issue_seq, user_seq, total_quantity, per_user_limit)
       VALUES ('k-x', 'k-none', 'u', 't', '{}', now(), 1, 1, 1, 1)`), { code: '23503', constraint: 'claim_quota_fkey' }],
  ])('rejects %s', async (_name, attempt, expected) => {
    expect(await violation(attempt())).toEqual(expected);
    expect(await db.query(`SELECT count(*)::int AS n FROM claim WHERE coupon_id = 'k-1'`)).toEqual([{ n: 2 }]);
  });

  it('rejects a second claim of one user under the same user sequence', async () => {
    // Inside both bounds, a fresh issue sequence, but the user's sequence 1 is taken.
    const q = db.createQueryRunner();
    await q.connect();
    await q.startTransaction();
    try {
      await q.query(`DELETE FROM claim WHERE claim_id = 'k-b'`);
      const err = await q.query(
        `INSERT INTO claim (claim_id, coupon_id, user_id, title, discount, claimed_at, issue_seq, user_seq, total_quantity, per_user_limit)
         VALUES ('k-d', 'k-1', 'u-1', 't', '{}', now(), 2, 1, 2, 2)`,
      ).then(() => null, (e: { driverError?: { code: string; constraint: string } }) => e.driverError);
      expect(err).toMatchObject({ code: '23505', constraint: 'claim_user_seq_key' });
    } finally {
      await q.rollbackTransaction();
      await q.release();
    }
  });
});

describe('stock changes (ChangeCouponStock through the claim pipeline)', () => {
  const stockCmd = (couponId: string, p: { totalQuantity?: number; perUserLimit?: number }) =>
    envelope('ChangeCouponStock', { couponId, ...p }, { aggregateId: couponId, correlationId: randomUUID() });
  const quotaOf = async (couponId: string) =>
    (await db.query(`SELECT total_quantity, per_user_limit FROM coupon_quota WHERE coupon_id = $1`, [couponId]))[0];
  const claimTerms = (couponId: string) =>
    db.query(`SELECT DISTINCT total_quantity, per_user_limit FROM claim WHERE coupon_id = $1`, [couponId]);

  it('a run of claims with a decrease among them: the claims after it are judged by the new total, every claim row carries it', async () => {
    await createCoupon('sc-1', { totalQuantity: 10 });
    const before = Array.from({ length: 3 }, (_, i) => claimCmd('sc-1', `sc-u${i}`));
    const change = stockCmd('sc-1', { totalQuantity: 5 });
    const after = Array.from({ length: 4 }, (_, i) => claimCmd('sc-1', `sc-v${i}`));
    await decideRun([...before, change, ...after]);
    expect(await outcomeOf(change.eventId)).toMatchObject({ type: 'CouponStockChanged', payload: { totalQuantity: 5, perUserLimit: 1, issued: 3 } });
    const answers = await Promise.all(after.map((c) => outcomeOf(c.eventId)));
    expect(answers.map((a) => a.type)).toEqual(['CouponClaimed', 'CouponClaimed', 'ClaimRejected', 'ClaimRejected']);
    expect(await quotaOf('sc-1')).toEqual({ total_quantity: 5, per_user_limit: 1 });
    expect(await claimTerms('sc-1')).toEqual([{ total_quantity: 5, per_user_limit: 1 }]);
  });

  it('refuses a total below issued and a lower per-user limit, naming the field; an increase lets claims in again', async () => {
    await createCoupon('sc-2', { totalQuantity: 2, perUserLimit: 2 });
    for (const u of ['a', 'b']) expect((await decide(claimCmd('sc-2', `sc2-${u}`))).type).toBe('CouponClaimed');
    expect((await decide(claimCmd('sc-2', 'sc2-c'))).payload).toMatchObject({ code: 'OUT_OF_STOCK' });
    const below = stockCmd('sc-2', { totalQuantity: 1 });
    await decideOne(below);
    expect((await outcomeOf(below.eventId)).payload).toMatchObject({ code: 'BELOW_ISSUED', field: 'totalQuantity', httpStatus: 409 });
    const lower = stockCmd('sc-2', { perUserLimit: 1 });
    await decideOne(lower);
    expect((await outcomeOf(lower.eventId)).payload).toMatchObject({ code: 'LIMIT_LOWERED', field: 'perUserLimit', httpStatus: 422 });
    await decideOne(stockCmd('sc-2', { totalQuantity: 3, perUserLimit: 3 }));
    expect((await decide(claimCmd('sc-2', 'sc2-c'))).type).toBe('CouponClaimed');
    expect(await claimTerms('sc-2')).toEqual([{ total_quantity: 3, per_user_limit: 3 }]);
  });

  it('the database refuses terms below an issued sequence even when a decision let them through', async () => {
    await createCoupon('sc-3', { totalQuantity: 5 });
    for (const u of ['a', 'b', 'c']) await decide(claimCmd('sc-3', `sc3-${u}`));
    const forged = event('CouponStockChanged', { couponId: 'sc-3', totalQuantity: 2, perUserLimit: 1, issued: 3 }, 'sc-3');
    await expect(foldNow(db, forged)).rejects.toMatchObject({ driverError: { constraint: 'claim_issue_seq_check' } });
    expect(await quotaOf('sc-3')).toEqual({ total_quantity: 5, per_user_limit: 1 });
  });

  it('a stock change of an ENDED coupon is COUPON_ENDED, and its claims NOT_CLAIMABLE', async () => {
    await createCoupon('sc-4', { totalQuantity: 5 });
    const ended = event('CouponUpdated', { merchantId: 'm-1', couponId: 'sc-4', title: 'over', priority: 0, claimableUntil: null, status: 'ENDED' }, 'sc-4');
    await publish(Topics.catalogEvents, ended); // for the replays below
    await foldNow(db, ended);
    const change = stockCmd('sc-4', { totalQuantity: 9 });
    await decideOne(change);
    expect((await outcomeOf(change.eventId)).payload).toMatchObject({ code: 'COUPON_ENDED' });
    expect((await decide(claimCmd('sc-4', 'sc4-a'))).payload).toMatchObject({ code: 'NOT_CLAIMABLE' });
  });
});

describe('wallet replay', () => {
  const readAll = (topics: string[]) => readEnvelopes(kafka, topics);

  /** Waits until the live service has folded every consumed partition to its end (fold_position). */
  const liveFolds = () =>
    waitFor(async () => {
      const marks = await fetchMarks(kafka, walletProjection.sources.consumed);
      const rows: Array<{ topic: string; partition: number; n: string }> = await db.query(`SELECT topic, partition, next_offset::text AS n FROM fold_position`);
      const folded = new Map(rows.map((r) => [`${r.topic}/${r.partition}`, BigInt(r.n)]));
      return marks.every((m) => m.high === 0n || (folded.get(`${m.topic}/${m.partition}`) ?? 0n) >= m.high);
    }, 'the live folds');

  const snapshot = (ds: DataSource) =>
    Promise.all([
      ds.query(`SELECT * FROM claim ORDER BY claim_id`),
      ds.query(`SELECT * FROM coupon_quota ORDER BY coupon_id`),
      ds.query(`SELECT * FROM coupon_stock ORDER BY coupon_id`),
      ds.query(`SELECT * FROM claim_redemption ORDER BY claim_id`),
      ds.query(`SELECT command_id, outcome FROM command_outcome ORDER BY command_id`),
    ]);

  it('folding wallet.events (+ catalog and ordering events) from offset 0 into an empty schema rebuilds identical rows', async () => {
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n === 0, 'an empty outbox');
    // Every catalog/ordering event folded live too (the consumer catches up with those published in these tests).
    const all = await readAll(walletProjection.topics as string[]);
    await liveFolds();
    const replayed = new DataSource(walletDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'wallet_replay' }));
    await replayed.initialize();
    try {
      await runMigrationsWithLock(replayed);
      // Each event once (as the replay engine skips an event it has seen).
      for (const e of [...new Map(all.map((x) => [x.eventId, x])).values()]) await foldNow(replayed, e);
      const [live, rebuilt] = await Promise.all([snapshot(db), snapshot(replayed)]);
      expect(rebuilt).toEqual(live);
      expect(live[0].length).toBeGreaterThan(15);
    } finally {
      await replayed.destroy();
    }
  });

  it('the replay engine, folding whole batches with the set-based folds, rebuilds the rows the live service built one event at a time', async () => {
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n === 0, 'an empty outbox');
    const marks = await fetchMarks(kafka, walletProjection.topics);
    await liveFolds();
    const replayed = new DataSource(walletDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'wallet_replay_batches' }));
    await replayed.initialize();
    try {
      await runMigrationsWithLock(replayed);
      const stats = await replayRange({ kafka, projector: walletProjection, dataSource: replayed, marks, batchSize: 1000 });
      expect(stats.skipped).toEqual([]);
      expect(await snapshot(replayed)).toEqual(await snapshot(db));
    } finally {
      await replayed.destroy();
    }
    // The same into an empty schema as --from-scratch does it: claims loaded first, their indexes and foreign key after.
    const logs: string[] = [];
    const bulk = await rebuiltWithDeferredConstraints('wallet_replay_bulk', { marks, batchSize: 1000, log: (l) => logs.push(l) });
    try {
      expect(bulk.stats.skipped).toEqual([]);
      expect(logs).toEqual([]);
      expect(await snapshot(bulk.ds)).toEqual(await snapshot(db));
      expect(await indexesAndConstraints(bulk.ds, 'wallet_replay_bulk')).toEqual(await indexesAndConstraints(db, 'wallet'));
    } finally {
      await bulk.ds.destroy();
    }
  });

  it('a batch holding events the live fold refuses rebuilds what the live consumer keeps: each refused event is skipped alone', async () => {
    const topic = `wallet-poison-${randomUUID()}`;
    await ensureTopics(kafka, [topic], 1);
    const claim = (n: number, userId: string, issuedCount: number, extra: Partial<CouponClaimed> = {}) =>
      envelope('CouponClaimed', {
        claimId: `pc-${n}`, couponId: 'pcp', userId, title: 'poison test', discount: { type: 'AMOUNT_OFF', amount: 100 },
        claimedAt: `2026-04-01T00:00:0${n}.000Z`, validUntil: n % 2 ? null : '2026-05-01T00:00:00.000Z', issuedCount, userClaimSeq: 1,
        totalQuantity: 10, perUserLimit: 1, ...extra,
      }, { aggregateId: 'pcp', correlationId: randomUUID(), causationId: `pcmd-${n}` });
    const created = event('CouponCreated', {
      couponId: 'pcp', title: 'poison test', discount: { type: 'AMOUNT_OFF', amount: 100 }, minSpend: 0, target: {}, storeIds: [], totalQuantity: 10,
      perUserLimit: 1, claimableFrom: null, claimableUntil: null, validDaysAfterClaim: null, validUntil: null, priority: 0, status: 'ACTIVE',
      createdAt: '2026-04-01T00:00:00.000Z',
    }, 'pcp');
    const events: Envelope[] = [
      created,
      claim(1, 'pu-1', 1),
      claim(2, 'pu-2', 2),
      claim(3, 'pu-3', 2), // issue sequence 2 taken: claim_issue_seq_key
      claim(4, 'pu-4', 3, { userClaimSeq: undefined }), // not decided by the wallet: the fold refuses it
      claim(5, 'pu-5', 3),
      event('ClaimRejected', { claimId: 'pc-6', couponId: 'pcp', userId: 'pu-1', code: 'LIMIT_REACHED', message: 'one each' }, 'pcp'),
      claim(7, 'pu-6', 4, { totalQuantity: 20 }), // other terms than the coupon's quota: claim_quota_fkey
      event('CouponStatusChanged', { couponId: 'pcp', status: 'PAUSED' }, 'pcp'),
      event('CouponRedeemed', { claimId: 'pc-1', couponId: 'pcp', userId: 'pu-1', orderId: 'po-1', redeemedAt: '2026-04-02T00:00:00.000Z' }, 'pu-1'),
      event('CouponRedeemed', { claimId: 'pc-2', couponId: 'pcp', userId: 'pu-2', orderId: 'po-2', redeemedAt: '2026-04-02T00:00:00.000Z' }, 'pu-2'),
      event('CouponReleased', { claimId: 'pc-2', couponId: 'pcp', userId: 'pu-2', orderId: 'po-2', releasedAt: '2026-04-03T00:00:00.000Z' }, 'pu-2'),
      claim(8, 'pu-7', 4),
    ];
    await producer.send({ topic, acks: -1, messages: events.map((e) => ({ key: 'pcp', value: JSON.stringify(e) })) });
    const live = new DataSource(walletDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'wallet_poison_live' }));
    const replayed = new DataSource(walletDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'wallet_poison_replay' }));
    await Promise.all([live.initialize(), replayed.initialize()]);
    try {
      await runMigrationsWithLock(live);
      await runMigrationsWithLock(replayed);
      // As the live consumer: one event per transaction, decoded from the wire; a refused one is dead-lettered.
      const refused: number[] = [];
      for (const [i, e] of events.entries()) {
        const decoded = decodeWithUpcasters(JSON.stringify(e));
        if (!decoded.ok) throw new Error(decoded.reason);
        await foldNow(live, decoded.envelope).catch(() => refused.push(i));
      }
      expect(refused).toEqual([3, 4, 7]);
      const stats = await replayRange({ kafka, projector: walletProjection, dataSource: replayed, marks: await fetchMarks(kafka, [topic]), batchSize: 100 });
      expect(stats.skipped.map((k) => Number(k.offset))).toEqual(refused);
      expect(stats).toMatchObject({ messages: events.length, applied: events.length - refused.length });
      const rows = await snapshot(replayed);
      expect(rows).toEqual(await snapshot(live));
      expect(rows[0].map((r: { claim_id: string }) => r.claim_id)).toEqual(['pc-1', 'pc-2', 'pc-5', 'pc-8']);
      expect(rows[2]).toEqual([expect.objectContaining({ coupon_id: 'pcp', status: 'PAUSED' })]);
      expect(rows[3]).toEqual([expect.objectContaining({ claim_id: 'pc-1', order_id: 'po-1' })]);

      // A rebuild with the claim constraints built after the load stops at the first refused event, and replays again
      // with every constraint in place: the same events skipped, the same rows.
      const logs: string[] = [];
      const bulk = await rebuiltWithDeferredConstraints('wallet_poison_bulk', { marks: await fetchMarks(kafka, [topic]), batchSize: 100, log: (l) => logs.push(l) });
      try {
        expect(logs.find((l) => l.includes('replaying with every constraint in place'))).toMatch(/^a fold failed in wallet-poison-[^/]+\/0@0-12: .*lacks userClaimSeq/);
        expect(bulk.stats.skipped.map((k) => Number(k.offset))).toEqual(refused);
        expect(await snapshot(bulk.ds)).toEqual(rows);
        expect(await indexesAndConstraints(bulk.ds, 'wallet_poison_bulk')).toEqual(await indexesAndConstraints(live, 'wallet_poison_live'));
      } finally {
        await bulk.ds.destroy();
      }
    } finally {
      await Promise.all([live.destroy(), replayed.destroy()]);
    }
  });

  it('a rebuild whose loaded claims break a constraint built after the load replays again with it in place', async () => {
    const topic = `wallet-clash-${randomUUID()}`;
    await ensureTopics(kafka, [topic], 1);
    const claim = (n: number, issuedCount: number) =>
      envelope('CouponClaimed', {
        claimId: `cc-${n}`, couponId: 'ccp', userId: `cu-${n}`, title: 'clash test', discount: { type: 'AMOUNT_OFF', amount: 100 },
        claimedAt: `2026-04-01T00:00:0${n}.000Z`, validUntil: null, issuedCount, userClaimSeq: 1, totalQuantity: 10, perUserLimit: 1,
      }, { aggregateId: 'ccp', correlationId: randomUUID(), causationId: `ccmd-${n}` });
    // The second claim takes issue sequence 1 again: only claim_issue_seq_key (built after the load) refuses it.
    await producer.send({ topic, acks: -1, messages: [claim(1, 1), claim(2, 1), claim(3, 2)].map((e) => ({ key: 'ccp', value: JSON.stringify(e) })) });
    const logs: string[] = [];
    const bulk = await rebuiltWithDeferredConstraints('wallet_clash_bulk', { marks: await fetchMarks(kafka, [topic]), batchSize: 100, log: (l) => logs.push(l) });
    try {
      expect(logs.find((l) => l.includes('replaying with every constraint in place'))).toMatch(/^building claim_.* after the load failed \(could not create unique index "claim_issue_seq_key"\)/);
      expect(bulk.stats.skipped).toEqual([expect.objectContaining({ offset: '1', reason: expect.stringMatching(/claim_issue_seq_key/) })]);
      expect((await snapshot(bulk.ds))[0].map((r: { claim_id: string }) => r.claim_id)).toEqual(['cc-1', 'cc-3']);
    } finally {
      await bulk.ds.destroy();
    }
  });
});

/** A new schema, migrated, rebuilt from `marks` as the replay tool rebuilds one (rebuildSchema with the wallet's deferred constraints). */
async function rebuiltWithDeferredConstraints(schema: string, o: { marks: Awaited<ReturnType<typeof fetchMarks>>; batchSize: number; log: (l: string) => void }) {
  const ds = new DataSource(walletDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: schema }));
  await ds.initialize();
  await runMigrationsWithLock(ds);
  const stats = await rebuildSchema({
    kafka, projector: walletProjection, dataSource: ds, schema, deferred: walletReplayTarget.rebuildDeferred ?? [], ...o,
    remigrate: async () => {
      await ds.query(`DROP SCHEMA "${schema}" CASCADE`);
      await runMigrationsWithLock(ds);
    },
  });
  return { ds, stats };
}

/** Every index and constraint of a schema, with its definition (the schema's name left out). */
async function indexesAndConstraints(ds: DataSource, schema: string): Promise<string[]> {
  const rows: Array<{ d: string }> = await ds.query(
    `SELECT indexname || ': ' || replace(indexdef, $1 || '.', '') AS d FROM pg_indexes WHERE schemaname = $1
     UNION ALL SELECT c.conname || ': ' || pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1
     ORDER BY 1`,
    [schema],
  );
  return rows.map((r) => r.d);
}

describe('wallet migrations', () => {
  it('migrate up in sync with the entities and down to nothing', async () => {
    const ds = new DataSource(walletDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'wallet_migrations' }));
    await ds.initialize();
    try {
      expect(await runMigrationsWithLock(ds)).toEqual([
        'InitialWalletSchema1764040100000', 'ClaimSequences1764040200000', 'WalletDecisionPipeline1764040400000', 'ClaimDailyCaps1764040600000',
        'StockChanges1764045150000',
      ]);
      await assertSchemaInSync(ds);
      for (let i = 0; i < 5; i++) await ds.undoLastMigration();
      expect(await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'wallet_migrations' AND table_name <> 'migrations'`)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });
});

describe('hand-written SQL', () => {
  it('every INSERT the service ran carries every column of its entity (a column added to an entity fails here)', () => {
    const ds = app.get(DataSource);
    const { gaps, tables } = insertColumnGaps(ds, statements, { outbox: ['published_at'] });
    expect(gaps).toEqual([]);
    expect(tables).toEqual(expect.arrayContaining(['claim', 'claim_redemption', 'command_outcome', 'coupon_quota', 'coupon_stock', 'fold_position', 'outbox', 'parked_command']));
    // The check itself: a statement that leaves columns out is reported.
    expect(insertColumnGaps(ds, ['INSERT INTO wallet.claim (claim_id, coupon_id, user_id) VALUES ($1, $2, $3)']).gaps).toEqual([expect.objectContaining({ table: 'claim' })]);
  });
});
