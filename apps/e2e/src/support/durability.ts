// Shared by the durability suites: a steady stream of claims and orders from many users through the gateways, the
// invariants every 2xx must satisfy afterwards (checked in each service's own tables), and `replay --verify` run as
// the on-call engineer would, on the built dist.
import { RunningStack, workspaceRoot } from '@coupons/testing';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { Api, ApiResponse } from './http';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const STORE = 'du-s1';
export const PRODUCTS = [
  { sku: 'du-milk', name: 'Milk 1 L', price: 1000, category: 'dairy' },
  { sku: 'du-wine', name: 'Wine 75 cl', price: 2500, category: 'drinks' },
];
/** Small stocks, so that the stream runs them out and over-issue would show. */
export const COUPONS = [
  { title: 'One off', discount: { type: 'AMOUNT_OFF', amount: 100 }, totalQuantity: 40, perUserLimit: 1 },
  { title: 'Ten percent', discount: { type: 'PERCENT_OFF', percent: 10 }, totalQuantity: 40, perUserLimit: 2 },
  { title: 'Three off twenty', discount: { type: 'AMOUNT_OFF', amount: 300 }, minSpend: 2000, totalQuantity: 30, perUserLimit: 1 },
  { title: 'Wine two off', discount: { type: 'AMOUNT_OFF', amount: 200 }, target: { skus: ['du-wine'] }, totalQuantity: 30, perUserLimit: 1 },
];

export interface World {
  couponIds: string[];
  users: Array<{ id: string; token: string }>;
}

/** A merchant sets up one store, two products and the coupons; `userCount` shoppers get tokens. */
export async function setUpWorld(stack: RunningStack, userCount: number): Promise<World> {
  const merchant = new Api(stack.gatewayUrl, await stack.devToken('du-merchant', ['merchant']));
  expect((await merchant.put(`/v1/admin/stores/${STORE}`, { name: 'Durable store' })).status).toBe(200);
  for (const { sku, ...p } of PRODUCTS) expect((await merchant.put(`/v1/admin/products/${sku}`, p)).status).toBe(200);
  const couponIds: string[] = [];
  for (const c of COUPONS) {
    const res = await merchant.post('/v1/admin/coupons', { ...c, validDaysAfterClaim: 30 });
    if (res.status !== 201) throw new Error(`creating ${c.title}: ${res.status} ${res.text}`);
    couponIds.push(res.body.couponId);
  }
  const users: World['users'] = [];
  for (let i = 0; i < userCount; i++) users.push({ id: `du-user-${i}`, token: await stack.devToken(`du-user-${i}`) });
  return { couponIds, users };
}

export interface Attempt {
  kind: 'claim' | 'order';
  user: string;
  key: string;
  /** Final HTTP status (0: no answer at all after every retry). */
  status: number;
  body: any;
  tries: number;
}

export interface LoadOptions {
  /** Gateway base URLs; requests rotate over them, and a retry goes to the next one. */
  gateways: () => string[];
  world: World;
  workers: number;
  /** Pause between a worker's requests. */
  thinkMs: number;
  shouldStop: () => boolean;
}

/**
 * Each worker, until told to stop: a random user claims a random coupon or places an order (no couponId: the best
 * claimed coupon applies). Every request carries an Idempotency-Key; no answer, a 5xx or a 503 is retried with the
 * same key on the next gateway, as a terminal would, so one key is one effect at most.
 */
export async function runLoad(o: LoadOptions): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  let turn = 0;
  const send = async (kind: 'claim' | 'order', user: World['users'][number]): Promise<Attempt> => {
    const key = randomUUID();
    const body = kind === 'claim'
      ? { couponId: o.world.couponIds[Math.floor(Math.random() * o.world.couponIds.length)] }
      : { storeId: STORE, items: Math.random() < 0.5 ? [{ sku: PRODUCTS[0].sku, quantity: 1 + Math.floor(Math.random() * 3) }] : [{ sku: PRODUCTS[1].sku, quantity: 1 }] };
    let last: ApiResponse | undefined;
    for (let tries = 1; ; tries++) {
      const gateways = o.gateways();
      const api = new Api(gateways[turn++ % gateways.length], user.token);
      try {
        last = await api.post(kind === 'claim' ? '/v1/claims' : '/v1/orders', body, { 'idempotency-key': key });
        if (last.status < 500) return { kind, user: user.id, key, status: last.status, body: last.body, tries };
      } catch {
        last = undefined;
      }
      if (tries >= 8) return { kind, user: user.id, key, status: last?.status ?? 0, body: last?.body, tries };
      await sleep(300 * tries);
    }
  };
  await Promise.all(Array.from({ length: o.workers }, async () => {
    while (!o.shouldStop()) {
      const user = o.world.users[Math.floor(Math.random() * o.world.users.length)];
      attempts.push(await send(Math.random() < 0.6 ? 'claim' : 'order', user));
      await sleep(o.thinkMs);
    }
  }));
  return attempts;
}

export function tally(attempts: Attempt[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of attempts) out[`${a.kind} ${a.status}`] = (out[`${a.kind} ${a.status}`] ?? 0) + 1;
  return out;
}

async function withDb<T>(url: string, fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

const count = async (db: Client, sql: string, params: unknown[] = []) => Number((await db.query(sql, params)).rows[0].n);

/**
 * Waits until every accepted request (201, or 202 decided later) is decided and every projection has folded it:
 * each 2xx claim has its outcome in the wallet, each 2xx order its outcome in ordering, and the catalog and ordering
 * copies agree with the wallet's claims.
 */
export async function waitUntilSettled(databaseUrl: string, attempts: Attempt[], timeoutMs = 90_000): Promise<void> {
  const claimIds = attempts.filter((a) => a.kind === 'claim' && (a.status === 201 || a.status === 202)).map((a) => a.body.claimId as string);
  const orderIds = attempts.filter((a) => a.kind === 'order' && (a.status === 201 || a.status === 202)).map((a) => a.body.orderId as string);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  await withDb(databaseUrl, async (db) => {
    for (;;) {
      const claimsDecided = await count(db, `SELECT count(*) AS n FROM wallet.command_outcome WHERE outcome->'payload'->>'claimId' = ANY($1)`, [claimIds]);
      const ordersDecided = await count(db, `SELECT count(DISTINCT outcome->'payload'->>'orderId') AS n FROM ordering.command_outcome WHERE outcome->'payload'->>'orderId' = ANY($1)`, [orderIds]);
      const walletClaims = await count(db, `SELECT count(*) AS n FROM wallet.claim`);
      const orderingClaims = await count(db, `SELECT count(*) AS n FROM ordering.user_claim`);
      const catalogIssued = await count(db, `SELECT coalesce(sum(issued), 0) AS n FROM coupon_catalog.coupon_usage`);
      const redemptions = await count(db, `SELECT count(*) AS n FROM ordering.redemption`);
      const walletRedemptions = await count(db, `SELECT count(*) AS n FROM wallet.claim_redemption`);
      const catalogRedeemed = await count(db, `SELECT coalesce(sum(redeemed), 0) AS n FROM coupon_catalog.coupon_usage`);
      let unpublished = 0;
      for (const s of ['coupon_catalog', 'wallet', 'ordering']) unpublished += await count(db, `SELECT count(*) AS n FROM ${s}.outbox WHERE published_at IS NULL`);
      last = JSON.stringify({ claimsDecided, of: claimIds.length, ordersDecided, ofOrders: orderIds.length, walletClaims, orderingClaims, catalogIssued, redemptions, walletRedemptions, catalogRedeemed, unpublished });
      if (claimsDecided === claimIds.length && ordersDecided === orderIds.length && walletClaims === orderingClaims && walletClaims === catalogIssued &&
        redemptions === walletRedemptions && redemptions === catalogRedeemed && unpublished === 0) return;
      if (Date.now() > deadline) throw new Error(`not settled after ${timeoutMs} ms: ${last}`);
      await sleep(500);
    }
  });
}

/**
 * Invariants 1, 2, 3 and 7 on the services' own tables: every 2xx claim and order is there exactly once, in every
 * projection that keeps it; stock and per-user limits hold; no claim is spent twice; nothing exists that no request
 * asked for.
 */
export async function checkInvariants(databaseUrl: string, attempts: Attempt[]): Promise<Record<string, number>> {
  return withDb(databaseUrl, async (db) => {
    const claimed201 = attempts.filter((a) => a.kind === 'claim' && a.status === 201);
    const claimed202 = attempts.filter((a) => a.kind === 'claim' && a.status === 202);
    const ordered201 = attempts.filter((a) => a.kind === 'order' && a.status === 201);
    const claimKeys = attempts.filter((a) => a.kind === 'claim').length;
    const orderKeys = attempts.filter((a) => a.kind === 'order').length;

    // Every 201 claim: exactly one row in the wallet, in ordering's copy, and counted once by the catalog (sum check).
    const ids201 = claimed201.map((a) => a.body.claimId);
    expect(new Set(ids201).size).toBe(ids201.length);
    expect(await count(db, `SELECT count(*) AS n FROM wallet.claim WHERE claim_id = ANY($1)`, [ids201])).toBe(ids201.length);
    expect(await count(db, `SELECT count(*) AS n FROM ordering.user_claim WHERE claim_id = ANY($1)`, [ids201])).toBe(ids201.length);
    for (const a of claimed201) {
      const { rows } = await db.query(`SELECT user_id, coupon_id FROM wallet.claim WHERE claim_id = $1`, [a.body.claimId]);
      expect(rows).toEqual([{ user_id: a.user, coupon_id: a.body.couponId }]);
    }
    // A 202 was decided later: either a claim row or a refusal, never both, never two.
    for (const a of claimed202) {
      const rows = await count(db, `SELECT count(*) AS n FROM wallet.claim WHERE claim_id = $1`, [a.body.claimId]);
      const outcomes = await count(db, `SELECT count(*) AS n FROM wallet.command_outcome WHERE outcome->'payload'->>'claimId' = $1`, [a.body.claimId]);
      expect(outcomes).toBe(1);
      expect(rows).toBeLessThanOrEqual(1);
    }
    // No claim nobody asked for: at most one per Idempotency-Key.
    const walletClaims = await count(db, `SELECT count(*) AS n FROM wallet.claim`);
    expect(walletClaims).toBeLessThanOrEqual(claimKeys);
    expect(await count(db, `SELECT count(*) AS n FROM ordering.user_claim`)).toBe(walletClaims);
    // Stock and per-user limits (the coupon's terms as the wallet holds them).
    expect((await db.query(`SELECT c.coupon_id FROM wallet.claim c JOIN wallet.coupon_stock s USING (coupon_id) GROUP BY c.coupon_id, s.total_quantity HAVING count(*) > s.total_quantity`)).rows).toEqual([]);
    expect((await db.query(`SELECT c.coupon_id, c.user_id FROM wallet.claim c JOIN wallet.coupon_stock s USING (coupon_id) GROUP BY c.coupon_id, c.user_id, s.per_user_limit HAVING count(*) > s.per_user_limit`)).rows).toEqual([]);
    // The catalog counts every claim once.
    expect((await db.query(`SELECT coupon_id, count(*)::int AS n FROM wallet.claim GROUP BY coupon_id ORDER BY coupon_id`)).rows)
      .toEqual((await db.query(`SELECT coupon_id, issued AS n FROM coupon_catalog.coupon_usage WHERE issued > 0 ORDER BY coupon_id`)).rows);

    // Every 201 order: exactly once, with its lines, its coupon redeemed by it alone, in ordering, wallet and catalog.
    const orderIds = ordered201.map((a) => a.body.orderId);
    expect(new Set(orderIds).size).toBe(orderIds.length);
    expect(await count(db, `SELECT count(*) AS n FROM ordering.customer_order WHERE order_id = ANY($1)`, [orderIds])).toBe(orderIds.length);
    for (const a of ordered201) {
      const { rows } = await db.query(`SELECT user_id, total::int, discount::int, applied_claim_id FROM ordering.customer_order WHERE order_id = $1`, [a.body.orderId]);
      expect(rows).toEqual([{ user_id: a.user, total: a.body.total, discount: a.body.discount, applied_claim_id: a.body.appliedCoupon?.claimId ?? null }]);
      expect(await count(db, `SELECT count(*) AS n FROM ordering.order_line WHERE order_id = $1`, [a.body.orderId])).toBe(a.body.items.length);
      if (a.body.appliedCoupon) {
        const claimId = a.body.appliedCoupon.claimId;
        expect((await db.query(`SELECT order_id FROM ordering.redemption WHERE claim_id = $1`, [claimId])).rows).toEqual([{ order_id: a.body.orderId }]);
        expect((await db.query(`SELECT order_id FROM wallet.claim_redemption WHERE claim_id = $1`, [claimId])).rows).toEqual([{ order_id: a.body.orderId }]);
        expect((await db.query(`SELECT user_id FROM wallet.claim WHERE claim_id = $1`, [claimId])).rows).toEqual([{ user_id: a.user }]);
      }
    }
    const orders = await count(db, `SELECT count(*) AS n FROM ordering.customer_order`);
    expect(orders).toBeLessThanOrEqual(orderKeys);
    // Single use: no claim applied by two processed orders; every redemption is a claim of the order's user.
    expect((await db.query(`SELECT applied_claim_id FROM ordering.customer_order WHERE applied_claim_id IS NOT NULL AND status = 'PROCESSED' GROUP BY 1 HAVING count(*) > 1`)).rows).toEqual([]);
    expect(await count(db, `SELECT count(*) AS n FROM ordering.redemption r JOIN wallet.claim c USING (claim_id) WHERE c.user_id <> r.user_id`)).toBe(0);
    expect((await db.query(`SELECT c.coupon_id, count(*)::int AS n FROM ordering.redemption r JOIN wallet.claim c USING (claim_id) GROUP BY c.coupon_id ORDER BY 1`)).rows)
      .toEqual((await db.query(`SELECT coupon_id, redeemed AS n FROM coupon_catalog.coupon_usage WHERE redeemed > 0 ORDER BY coupon_id`)).rows);
    return { claims: walletClaims, orders, redemptions: await count(db, `SELECT count(*) AS n FROM ordering.redemption`) };
  });
}

export const REPLAYABLE = [
  { service: 'coupon-catalog', schema: 'coupon_catalog' },
  { service: 'wallet', schema: 'wallet' },
  { service: 'ordering', schema: 'ordering' },
] as const;

/** `node dist/apps/<service>/src/replay/replay.js <args>` against the stack; never blocks this process (the broker runs in it). */
export function runReplay(stack: RunningStack, service: string, schema: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = join(workspaceRoot(), 'dist', 'apps', service, 'src', 'replay', 'replay.js');
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], {
      env: { ...process.env, KAFKA_BROKERS: stack.brokers, DATABASE_URL: stack.databaseUrl, DATABASE_SCHEMA: schema, FORCE_COLOR: '0' },
      maxBuffer: 16 * 1024 * 1024,
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

/** Runs `replay --verify` for every service and expects equality; returns each summary's events/s line. */
export async function verifyEveryService(stack: RunningStack): Promise<string[]> {
  const lines: string[] = [];
  for (const { service, schema } of REPLAYABLE) {
    const r = await runReplay(stack, service, schema, ['--verify', '--timeout', '60']);
    if (r.code !== 0) throw new Error(`replay --verify ${service} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    expect(r.stdout).toContain(`verify ${service}: EQUAL`);
    lines.push(`${service}: ${r.stdout.split('\n')[0]}`);
  }
  return lines;
}

/** messages_consumed_total of one process, summed over outcomes, by topic. */
export async function consumedByTopic(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^messages_consumed_total\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!m) continue;
    const topic = /topic="([^"]+)"/.exec(m[1])?.[1] ?? '?';
    out[topic] = (out[topic] ?? 0) + Number(m[2]);
  }
  return out;
}

/** A user's notification stream (SSE) on one gateway, read with fetch; resolves once subscribed. */
export async function openStream(baseUrl: string, token: string): Promise<{ events: Array<{ id?: string; event?: string; data?: any }>; close: () => void }> {
  const ac = new AbortController();
  const res = await fetch(`${baseUrl}/v1/notifications/stream`, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
  if (res.status !== 200) throw new Error(`stream answered ${res.status}`);
  const events: Array<{ id?: string; event?: string; data?: any }> = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let opened!: () => void;
  const ready = new Promise<void>((r) => (opened = r));
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          if (frame.startsWith('retry:')) opened();
          const e: { id?: string; event?: string; data?: any } = {};
          for (const line of frame.split('\n')) {
            const [k, ...rest] = line.split(': ');
            if (k === 'id') e.id = rest.join(': ');
            if (k === 'event') e.event = rest.join(': ');
            if (k === 'data') e.data = JSON.parse(rest.join(': '));
          }
          if (e.event) events.push(e);
        }
      }
    } catch {
      // aborted
    }
  })();
  await ready;
  return { events, close: () => ac.abort() };
}

export async function waitUntil(fn: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
