// Claims end to end (DESIGN §1 items 4-5, invariants 1, 2, 4, 5): every service a process, TWO wallet instances
// (claim commands split between them by partition; database constraints back the stock and per-user limits) and two
// gateways (a user's push stream may sit on another instance than the one that took the claim).
import { RunningStack, startStack } from '@coupons/testing';
import { Api, ApiResponse, expectError } from './support/http';
import { inPool, waitFor } from './support/wait';

const STORE = 'cl-s1';
const MILK = { sku: 'cl-milk', name: 'Milk 1 L', price: 1500, gtin: '6901234000016', category: 'dairy', brand: 'Acme' };

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

/** A user's notification stream, read with fetch (frames parsed as they arrive). */
async function openStream(baseUrl: string, token: string) {
  const ac = new AbortController();
  const res = await fetch(`${baseUrl}/v1/notifications/stream`, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
  expect(res.status).toBe(200);
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
          if (frame.startsWith('retry:')) opened(); // written once the stream is subscribed
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

describe('claims (two wallet instances, two gateways)', () => {
  let stack: RunningStack;
  let merchant: Api;
  let gw: [string, string];
  const tokens = new Map<string, string>();

  async function tokenFor(userId: string): Promise<string> {
    if (!tokens.has(userId)) tokens.set(userId, await stack.devToken(userId, ['customer']));
    return tokens.get(userId)!;
  }
  const as = async (userId: string, gateway = 0) => new Api(gw[gateway], await tokenFor(userId));

  async function createCoupon(body: Record<string, unknown>): Promise<string> {
    const res = await merchant.post('/v1/admin/coupons', { title: 'Milk 2 off', discount: { type: 'AMOUNT_OFF', amount: 200 }, validDaysAfterClaim: 30, ...body });
    if (res.status !== 201) throw new Error(`creating a coupon: ${res.status} ${res.text}`);
    return res.body.couponId;
  }
  const walletOf = async (userId: string, gateway = 0) => {
    const res = await (await as(userId, gateway)).get('/v1/wallet');
    expect(res.status).toBe(200);
    return res.body.coupons as Array<{ claimId: string; couponId: string; status: string; title: string }>;
  };
  const claim = async (userId: string, couponId: string, gateway = 0, headers: Record<string, string> = {}) =>
    (await as(userId, gateway)).post('/v1/claims', { couponId }, headers);

  beforeAll(async () => {
    stack = await startStack({ instances: { wallet: 2, 'scan-gateway': 2 } });
    gw = [stack.gatewayUrl, stack.proc('scan-gateway', 1).url];
    merchant = new Api(gw[0], await stack.devToken('cl-merchant', ['merchant']));
    expect((await merchant.put(`/v1/admin/stores/${STORE}`, { name: 'Claims store' })).status).toBe(200);
    const { sku, ...product } = MILK;
    expect((await merchant.put(`/v1/admin/products/${sku}`, product)).status).toBe(200);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('1,000 claims from 500 users race for 100: exactly 100 issued, nobody holds two, the rest refused; catalog follows', async () => {
    const couponId = await createCoupon({ title: 'Race for milk', target: { skus: [MILK.sku] }, totalQuantity: 100, perUserLimit: 1 });
    const offered = await waitFor(async () => {
      const res = await new Api(gw[0]).post('/v1/scans', { code: MILK.gtin, storeId: STORE });
      return res.body.coupons?.find((c: { couponId: string }) => c.couponId === couponId);
    }, 'the coupon offered');
    expect(offered.remaining).toBe(100);

    const users = Array.from({ length: 500 }, (_, i) => `racer-${String(i).padStart(3, '0')}`);
    await inPool(users, 25, tokenFor);
    // Every user twice, interleaved, spread over both gateways.
    const attempts = users.flatMap((u, i) => [{ user: u, gateway: i % 2 }, { user: u, gateway: (i + 1) % 2 }]);
    for (let i = attempts.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [attempts[i], attempts[j]] = [attempts[j], attempts[i]];
    }
    const t0 = Date.now();
    const results = await inPool(attempts, 200, async (a) => {
      const start = Date.now();
      const res = await claim(a.user, couponId, a.gateway);
      return { ...a, res, ms: Date.now() - start };
    });
    const raceMs = Date.now() - t0;

    const by = (s: number) => results.filter((r) => r.res.status === s);
    const created = by(201);
    const refused = by(409);
    const pending = by(202);
    const codes: Record<string, number> = {};
    for (const r of refused) codes[r.res.body.error.code] = (codes[r.res.body.error.code] ?? 0) + 1;
    console.log(`race: ${attempts.length} claims in ${raceMs} ms; 201=${created.length} 409=${refused.length} ${JSON.stringify(codes)} 202=${pending.length};`
      + ` latency p50=${percentile(results.map((r) => r.ms), 50)} ms p95=${percentile(results.map((r) => r.ms), 95)} ms max=${Math.max(...results.map((r) => r.ms))} ms`);
    expect(created.length + refused.length + pending.length).toBe(attempts.length);
    expect(Object.keys(codes).every((c) => c === 'OUT_OF_STOCK' || c === 'LIMIT_REACHED')).toBe(true);
    expect(created.length).toBeLessThanOrEqual(100);
    for (const r of created) expect(r.res.body).toMatchObject({ couponId, userId: r.user, status: 'AVAILABLE' });

    // 202s resolve on their own: once every outcome is in, the wallets hold exactly 100 claims, one per user at most.
    const held = new Map<string, string[]>();
    await waitFor(async () => {
      held.clear();
      const wallets = await inPool(users, 25, async (u) => [u, (await walletOf(u)).filter((c) => c.couponId === couponId).map((c) => c.claimId)] as const);
      for (const [u, ids] of wallets) if (ids.length) held.set(u, ids);
      return [...held.values()].reduce((n, ids) => n + ids.length, 0) === 100 || pending.length === 0;
    }, 'the 202s to resolve', 60_000);
    const total = [...held.values()].reduce((n, ids) => n + ids.length, 0);
    expect(total).toBe(100);
    expect([...held.values()].every((ids) => ids.length === 1)).toBe(true);
    const heldIds = new Set([...held.values()].flat());
    for (const r of created) expect(held.get(r.user)).toEqual([r.res.body.claimId]);
    // Every 201 is held; the other holders got theirs through a 202 (resolved later), never through a refusal alone.
    const pendingIds = new Set(pending.map((r) => r.res.body.claimId));
    expect([...heldIds].filter((id) => !created.some((r) => r.res.body.claimId === id)).every((id) => pendingIds.has(id))).toBe(true);
    expect(created.length + pending.filter((r) => heldIds.has(r.res.body.claimId)).length).toBe(100);
    // LIMIT_REACHED only for users who do hold the coupon.
    for (const r of refused.filter((x) => x.res.body.error.code === 'LIMIT_REACHED')) expect(held.has(r.user)).toBe(true);

    const admin = await waitFor(async () => {
      const res = await merchant.get(`/v1/admin/coupons/${couponId}`);
      return res.body.issued === 100 && res.body;
    }, 'the admin view to count 100 issued');
    expect(admin).toMatchObject({ issued: 100, totalQuantity: 100 });
    const scan = await new Api(gw[1]).post('/v1/scans', { code: MILK.gtin, storeId: STORE });
    expect(scan.status).toBe(200);
    expect(scan.body.coupons.map((c: { couponId: string }) => c.couponId)).not.toContain(couponId);
    // And a latecomer is refused for stock.
    expectError(await claim('latecomer', couponId), 409, 'OUT_OF_STOCK');
  });

  it('a per-user limit of 3 with one user racing 10 claims gives exactly 3', async () => {
    const couponId = await createCoupon({ title: 'Three per user', totalQuantity: 50, perUserLimit: 3 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => claim('greedy', couponId, i % 2)));
    const statuses = results.map((r) => r.status);
    const pending = results.filter((r) => r.status === 202).map((r) => r.body.claimId);
    console.log(`per-user race: ${JSON.stringify(statuses)}`);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('LIMIT_REACHED');
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(3);
    const mine = await waitFor(async () => {
      const held = (await walletOf('greedy')).filter((c) => c.couponId === couponId);
      return (held.length === 3 || pending.length === 0) && held;
    }, 'the per-user claims settled');
    expect(mine).toHaveLength(3);
    expect(statuses.filter((s) => s === 201).length + mine.filter((c) => pending.includes(c.claimId)).length).toBe(3);
  });

  it('a user sees only their own wallet, and cannot claim for someone else', async () => {
    const couponId = await createCoupon({ title: 'Mine', totalQuantity: 10, perUserLimit: 1 });
    const alice = await claim('alice', couponId);
    expect(alice.status).toBe(201);
    expect(alice.body.userId).toBe('alice');
    const bob = await claim('bob', couponId, 1);
    expect(bob.status).toBe(201);
    expect((await walletOf('alice', 1)).map((c) => c.claimId)).toEqual([alice.body.claimId]);
    expect((await walletOf('bob')).map((c) => c.claimId)).toEqual([bob.body.claimId]);
    // The user is the token's: a userId in the body is refused, not obeyed.
    const spoof = await (await as('mallory')).post('/v1/claims', { couponId, userId: 'alice' });
    expectError(spoof, 400);
    expect(await walletOf('mallory')).toEqual([]);
    expect((await walletOf('alice')).map((c) => c.claimId)).toEqual([alice.body.claimId]);
  });

  it('GET /v1/wallet shows each claim AVAILABLE, REDEEMED with its orderId once an order spends it, EXPIRED past validity', async () => {
    const spendable = await createCoupon({ title: 'Milk 2 off, to spend', target: { skus: [MILK.sku] }, totalQuantity: 10, perUserLimit: 1 });
    const shortLived = await createCoupon({ title: 'Gone soon', totalQuantity: 10, perUserLimit: 1, validDaysAfterClaim: null, validUntil: new Date(Date.now() + 8_000).toISOString() });
    const kept = await claim('statuses', spendable);
    const expiring = await claim('statuses', shortLived, 1);
    expect([kept.status, expiring.status]).toEqual([201, 201]);
    expect(expiring.body.validUntil).toEqual(expect.any(String));
    // The claim row commits with the decision, before its event reaches the gateway: a 201 is already in the wallet.
    expect((await walletOf('statuses')).map((c) => [c.claimId, c.status]).sort()).toEqual([[kept.body.claimId, 'AVAILABLE'], [expiring.body.claimId, 'AVAILABLE']].sort());
    const order = await (await as('statuses')).post('/v1/orders', { storeId: STORE, items: [{ sku: MILK.sku, quantity: 1 }], couponId: spendable });
    expect(order.status).toBe(201);
    expect(order.body.appliedCoupon).toMatchObject({ claimId: kept.body.claimId, couponId: spendable });
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(expiring.body.validUntil) - Date.now() + 200)));
    const byId = await waitFor(async () => {
      const coupons = await walletOf('statuses');
      const m = new Map(coupons.map((c) => [c.claimId, c as Record<string, unknown>]));
      return m.get(kept.body.claimId)?.status === 'REDEEMED' && m;
    }, 'the redemption in the wallet', 30_000);
    expect(byId.get(kept.body.claimId)).toMatchObject({ couponId: spendable, status: 'REDEEMED', orderId: order.body.orderId, title: 'Milk 2 off, to spend' });
    expect(byId.get(expiring.body.claimId)).toMatchObject({ couponId: shortLived, status: 'EXPIRED', validUntil: expiring.body.validUntil });
    expect(byId.get(expiring.body.claimId)).not.toHaveProperty('orderId');
  });

  it('Idempotency-Key: repeats in sequence and 10 at once answer the same body with one claim', async () => {
    const couponId = await createCoupon({ title: 'Once', totalQuantity: 10, perUserLimit: 5 });
    const first = await claim('idem-1', couponId, 0, { 'Idempotency-Key': 'k-seq' });
    expect(first.status).toBe(201);
    for (const gateway of [0, 1, 0]) {
      const again = await claim('idem-1', couponId, gateway, { 'Idempotency-Key': 'k-seq' });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
    }
    expect((await walletOf('idem-1')).map((c) => c.claimId)).toEqual([first.body.claimId]);

    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => claim('idem-2', couponId, i % 2, { 'Idempotency-Key': 'k-burst' })));
    console.log(`idempotent burst: ${JSON.stringify(burst.map((r) => r.status))}`);
    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(201));
    for (const r of burst) expect(r.body).toEqual(burst[0].body);
    expect((await walletOf('idem-2')).map((c) => c.claimId)).toEqual([burst[0].body.claimId]);
    // Another user's same key is another request.
    const other = await claim('idem-3', couponId, 0, { 'Idempotency-Key': 'k-burst' });
    expect(other.status).toBe(201);
    expect(other.body.claimId).not.toBe(burst[0].body.claimId);

    const admin = await waitFor(async () => {
      const res = await merchant.get(`/v1/admin/coupons/${couponId}`);
      return res.body.issued === 3 && res.body;
    }, 'issued 3');
    expect(admin.issued).toBe(3);
  });

  it('coupon.claimed reaches the user\'s stream, also when the stream is on the other gateway', async () => {
    const couponId = await createCoupon({ title: 'Pushed', totalQuantity: 10, perUserLimit: 2 });
    const onOther = await openStream(gw[1], await tokenFor('listener'));
    const onSame = await openStream(gw[0], await tokenFor('listener'));
    const stranger = await openStream(gw[1], await tokenFor('stranger'));
    try {
      const res = await claim('listener', couponId, 0);
      expect(res.status).toBe(201);
      const expected = { claimId: res.body.claimId, couponId, title: 'Pushed' };
      for (const s of [onOther, onSame]) {
        const got = await waitFor(async () => s.events.find((e) => e.event === 'coupon.claimed' && e.data.claimId === res.body.claimId), 'coupon.claimed', 15_000);
        expect(got.data).toEqual(expected);
        expect(got.id).toEqual(expect.any(String));
      }
      await new Promise((r) => setTimeout(r, 500));
      expect(stranger.events).toEqual([]);
    } finally {
      onOther.close();
      onSame.close();
      stranger.close();
    }
  });

  it('an Idempotency-Key repeat after a gateway restart answers the first response', async () => {
    const couponId = await createCoupon({ title: 'After restart', totalQuantity: 10, perUserLimit: 5 });
    const first = await claim('idem-r', couponId, 1, { 'Idempotency-Key': 'k-restart' });
    expect(first.status).toBe(201);
    await stack.proc('scan-gateway', 1).restart();
    const again = await claim('idem-r', couponId, 1, { 'Idempotency-Key': 'k-restart' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await walletOf('idem-r')).map((c) => c.claimId)).toEqual([first.body.claimId]);
  });

  it('an Idempotency-Key reused with another body is 422 IDEMPOTENCY_KEY_REUSED on either gateway and after a restart, and writes nothing', async () => {
    const couponId = await createCoupon({ title: 'Reuse first', totalQuantity: 10, perUserLimit: 5 });
    const otherCoupon = await createCoupon({ title: 'Reuse other', totalQuantity: 10, perUserLimit: 5 });
    const first = await claim('idem-reuse', couponId, 0, { 'Idempotency-Key': 'k-reuse' });
    expect(first.status).toBe(201);
    const reused = async (gateway: number) => {
      const res = await claim('idem-reuse', otherCoupon, gateway, { 'Idempotency-Key': 'k-reuse' });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ error: { code: 'IDEMPOTENCY_KEY_REUSED', message: expect.any(String), details: [expect.objectContaining({ field: 'Idempotency-Key' })] } });
    };
    await reused(0);
    await reused(1);
    await stack.proc('scan-gateway', 1).restart();
    await reused(1);
    // The same body again is still the first answer.
    expect((await claim('idem-reuse', couponId, 1, { 'Idempotency-Key': 'k-reuse' })).body).toEqual(first.body);
    expect((await walletOf('idem-reuse')).map((c) => c.claimId)).toEqual([first.body.claimId]);
    expect((await merchant.get(`/v1/admin/coupons/${otherCoupon}`)).body.issued).toBe(0);
  });

  it('a coupon created with an Idempotency-Key: a repeat answers the same coupon, another body under the key is 422', async () => {
    const body = { title: 'Idem coupon', discount: { type: 'AMOUNT_OFF', amount: 200 }, totalQuantity: 5 };
    const first = await merchant.post('/v1/admin/coupons', body, { 'Idempotency-Key': 'k-coupon' });
    expect(first.status).toBe(201);
    // Same content, keys in another order: the same request.
    const again = await new Api(gw[1], merchant.token).post('/v1/admin/coupons', { totalQuantity: 5, discount: { amount: 200, type: 'AMOUNT_OFF' }, title: 'Idem coupon' }, { 'Idempotency-Key': 'k-coupon' });
    expect([again.status, again.body.couponId]).toEqual([201, first.body.couponId]);
    const reused = await merchant.post('/v1/admin/coupons', { ...body, title: 'Another coupon' }, { 'Idempotency-Key': 'k-coupon' });
    expect([reused.status, reused.body.error?.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect((await merchant.get(`/v1/admin/coupons/${first.body.couponId}`)).body.title).toBe('Idem coupon');
  });

  it('404 COUPON_NOT_FOUND for an unknown coupon', async () => {
    const res = await claim('lost', 'cpn_does_not_exist');
    expectError(res, 404, 'COUPON_NOT_FOUND');
    expect(await walletOf('lost')).toEqual([]);
  });

  it('409 NOT_CLAIMABLE for a paused coupon', async () => {
    const couponId = await createCoupon({ title: 'Paused', totalQuantity: 100, perUserLimit: 1 });
    const paused = await merchant.patch(`/v1/admin/coupons/${couponId}`, { status: 'PAUSED' });
    expect(paused.status).toBe(200);
    // The wallet folds the pause from catalog.events, a moment after the catalog decided it: probe until it has.
    let probe = 0;
    let res: ApiResponse;
    do {
      res = await claim(`pause-probe-${probe++}`, couponId);
    } while (res.status === 201 && probe < 50);
    expectError(res, 409, 'NOT_CLAIMABLE');
    expectError(await claim('pause-fresh', couponId, 1), 409, 'NOT_CLAIMABLE');
    expect(await walletOf('pause-fresh')).toEqual([]);
    console.log(`pause folded by the wallet after ${probe - 1} probe claim(s)`);
  });
  // Last: it kills both wallets. Invariant 7 for claims: a claim the gateway accepted (its command acknowledged by the
  // broker) is decided exactly once even when every wallet dies mid-decision; the relay publishes what was committed.
  it('SIGKILLing both wallets in the middle of a burst loses no accepted claim and duplicates none', async () => {
    const couponId = await createCoupon({ title: 'Survives', totalQuantity: 1000, perUserLimit: 1 });
    const users = Array.from({ length: 150 }, (_, i) => `durable-${String(i).padStart(3, '0')}`);
    await inPool(users, 25, tokenFor);
    const burst = inPool(users.map((u, i) => ({ u, i })), 50, async ({ u, i }) => ({ user: u, res: await claim(u, couponId, i % 2) }));
    await waitFor(async () => (await merchant.get(`/v1/admin/coupons/${couponId}`)).body.issued >= 10 || undefined, 'the first claims', 30_000);
    const wallets = [stack.proc('wallet', 0), stack.proc('wallet', 1)];
    const killedAt = Date.now();
    await Promise.all(wallets.map((w) => w.kill('SIGKILL')));
    wallets.forEach((w) => w.start());
    await Promise.all(wallets.map((w) => w.waitHealthy(60_000)));
    const results = await burst;
    const statuses: Record<number, number> = {};
    for (const r of results) statuses[r.res.status] = (statuses[r.res.status] ?? 0) + 1;
    // Stock for everyone and one claim each: only 201 (decided in time) or 202 (decided later) are right.
    expect(results.every((r) => r.res.status === 201 || r.res.status === 202)).toBe(true);
    const held = await waitFor(async () => {
      const all = await inPool(users, 25, async (u) => (await walletOf(u)).filter((c) => c.couponId === couponId));
      return all.every((c) => c.length >= 1) && all;
    }, 'every accepted claim decided', 120_000);
    console.log(`wallets SIGKILLed and restarted: ${JSON.stringify(statuses)}; all ${users.length} claims decided ${Date.now() - killedAt} ms after the kill`);
    expect(held.every((c) => c.length === 1)).toBe(true);
    for (const r of results.filter((x) => x.res.status === 201)) expect(held[users.indexOf(r.user)].map((c) => c.claimId)).toEqual([r.res.body.claimId]);
    for (const r of results.filter((x) => x.res.status === 202)) expect(held[users.indexOf(r.user)].map((c) => c.claimId)).toEqual([r.res.body.claimId]);
    const admin = await waitFor(async () => {
      const res = await merchant.get(`/v1/admin/coupons/${couponId}`);
      return res.body.issued === users.length && res.body;
    }, 'the catalog to count every claim once', 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await merchant.get(`/v1/admin/coupons/${couponId}`)).body.issued).toBe(admin.issued);
  });
});
