// Orders end to end: a merchant sets up a catalog, terminals claim coupons and place orders over HTTP; every service
// runs as a process (ordering twice, so decisions and folds are spread over two instances sharing one schema).
// Expected amounts are worked out by hand from DESIGN §5, not with the rules library:
//   eligible = sum of the line totals the target matches (every line without a target); applies when eligible > 0,
//   eligible >= minSpend, valid for the store and not expired; AMOUNT_OFF = min(amount, eligible);
//   PERCENT_OFF = floor(eligible * percent / 100) capped by maxDiscount; total = subtotal - discount.
import { Envelope, Headers, envelope } from '@coupons/contracts';
import { RunningStack, startStack } from '@coupons/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Api, ApiResponse, expectError } from './support/http';

const S1 = 'ord-s1';
const S2 = 'ord-s2';
const TEA = { sku: 'ord-tea', name: 'Tea', price: 1000, category: 'drinks', brand: 'Leaf' };
const CAKE = { sku: 'ord-cake', name: 'Cake', price: 2550, category: 'bakery', brand: 'Sweet' };
const MILK = { sku: 'ord-milk', name: 'Milk', price: 1299, category: 'dairy', brand: 'Acme' };
const GUM = { sku: 'ord-gum', name: 'Gum', price: 199, category: 'snacks', brand: 'Acme' };
const WATER = { sku: 'ord-water', name: 'Water', price: 350, category: 'drinks', brand: 'Spring' };

const headersOf = (e: Envelope) => ({ [Headers.type]: e.type, [Headers.version]: String(e.version), [Headers.correlationId]: e.correlationId });

/** Synthetic claims put in front of each real claim on its partition (see the read-your-writes test). */
const BACKLOG = Number(process.env.ORDERS_E2E_BACKLOG ?? 100);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A minimal EventSource over fetch: collects the frames of one stream until closed. */
async function openStream(url: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  const events: Array<{ id?: string; event?: string; data: any }> = [];
  let buffer = '';
  const pump = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const e: { id?: string; event?: string; data: any } = { data: undefined };
          for (const line of frame.split('\n')) {
            const [field, ...rest] = line.split(':');
            const value = rest.join(':').replace(/^ /, '');
            if (field === 'id') e.id = value;
            if (field === 'event') e.event = value;
            if (field === 'data') e.data = JSON.parse(value);
          }
          if (e.data !== undefined) events.push(e);
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: res.status,
    events,
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('orders (all services as processes, two ordering instances)', () => {
  let stack: RunningStack;
  let merchant: Api;
  let seq = 0;

  /** A terminal logged in as a new user. */
  async function shopper(name = 'shopper'): Promise<Api> {
    return new Api(stack.gatewayUrl, await stack.devToken(`ord-${name}-${++seq}-${Date.now().toString(36)}`, ['customer']));
  }

  async function createCoupon(body: Record<string, unknown>): Promise<string> {
    const res = await merchant.post('/v1/admin/coupons', { totalQuantity: 100, perUserLimit: 1, validDaysAfterClaim: 30, ...body });
    if (res.status !== 201) throw new Error(`creating ${String(body.title)}: ${res.status} ${res.text}`);
    return res.body.couponId;
  }

  async function claim(api: Api, couponId: string): Promise<{ claimId: string; couponId: string }> {
    const res = await api.post('/v1/claims', { couponId });
    if (res.status !== 201) throw new Error(`claiming ${couponId}: ${res.status} ${res.text}`);
    return res.body;
  }

  /** POST /v1/orders expecting 201. */
  async function order(api: Api, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<any> {
    const res = await api.post('/v1/orders', body, headers);
    if (res.status !== 201) throw new Error(`ordering ${JSON.stringify(body)}: ${res.status} ${res.text}`);
    return res.body;
  }

  const walletEntry = async (api: Api, claimId: string) => {
    const res = await api.get('/v1/wallet');
    expect(res.status).toBe(200);
    return (res.body.coupons as any[]).find((c) => c.claimId === claimId);
  };

  beforeAll(async () => {
    stack = await startStack({ instances: { ordering: 2 } });
    merchant = new Api(stack.gatewayUrl, await stack.devToken('ord-merchant', ['merchant']));
    for (const [storeId, name] of [[S1, 'Order Store One'], [S2, 'Order Store Two']]) {
      expect((await merchant.put(`/v1/admin/stores/${storeId}`, { name })).status).toBe(200);
    }
    for (const { sku, ...p } of [TEA, CAKE, MILK, GUM, WATER]) expect((await merchant.put(`/v1/admin/products/${sku}`, p)).status).toBe(200);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('prices an order from the catalog and answers the contract shape', async () => {
    const api = await shopper();
    const res = await api.post('/v1/orders', { storeId: S1, items: [{ sku: TEA.sku, quantity: 2 }, { sku: CAKE.sku, quantity: 1 }] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      orderId: expect.any(String), status: 'PROCESSED', storeId: S1,
      items: [{ sku: TEA.sku, quantity: 2, unitPrice: 1000, lineTotal: 2000 }, { sku: CAKE.sku, quantity: 1, unitPrice: 2550, lineTotal: 2550 }],
      subtotal: 4550, discount: 0, total: 4550, currency: 'CNY', appliedCoupon: null,
    });
    expect((await api.get(`/v1/orders/${res.body.orderId}`)).body).toEqual(res.body);
    const sku = expectError(await api.post('/v1/orders', { storeId: S1, items: [{ sku: TEA.sku, quantity: 1 }, { sku: 'ord-ghost', quantity: 1 }] }), 422, 'UNKNOWN_SKU');
    expect(sku.details).toEqual([expect.objectContaining({ field: 'items[1].sku' })]);
    expectError(await api.post('/v1/orders', { storeId: 'ord-nowhere', items: [{ sku: TEA.sku, quantity: 1 }] }), 422, 'UNKNOWN_STORE');
  });

  it('Single use: 20 concurrent orders by one user holding one coupon apply it exactly once', async () => {
    const couponId = await createCoupon({ title: 'Single use 3 off', discount: { type: 'AMOUNT_OFF', amount: 300 } });
    const api = await shopper('single');
    const { claimId } = await claim(api, couponId);
    const responses = await Promise.all(Array.from({ length: 20 }, () => api.post('/v1/orders', { storeId: S1, items: [{ sku: TEA.sku, quantity: 1 }] })));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const withCoupon = responses.filter((r) => r.body.appliedCoupon !== null);
    expect(withCoupon).toHaveLength(1);
    const winner = withCoupon[0].body;
    expect(winner).toMatchObject({ subtotal: 1000, discount: 300, total: 700, appliedCoupon: { claimId, couponId, title: 'Single use 3 off' } });
    expect(responses.filter((r) => r.body.appliedCoupon === null).every((r) => r.body.discount === 0 && r.body.total === 1000)).toBe(true);
    expect(new Set(responses.map((r) => r.body.orderId)).size).toBe(20);

    expect(await waitFor('the wallet to show the redemption', async () => {
      const entry = await walletEntry(api, claimId);
      return entry?.status === 'REDEEMED' && entry;
    })).toMatchObject({ status: 'REDEEMED', orderId: winner.orderId });
    await waitFor('the admin view to count one redemption', async () => (await merchant.get(`/v1/admin/coupons/${couponId}`)).body.redeemed === 1);
    await sleep(500);
    expect((await merchant.get(`/v1/admin/coupons/${couponId}`)).body).toMatchObject({ issued: 1, redeemed: 1 });
  });

  it('Single use across a rebalance: 20 concurrent orders while an ordering instance restarts apply the coupon once', async () => {
    const couponId = await createCoupon({ title: 'Rebalance 3 off', discount: { type: 'AMOUNT_OFF', amount: 300 } });
    const api = await shopper('rebalance');
    const { claimId } = await claim(api, couponId);
    const orders = Array.from({ length: 20 }, (_, i) => sleep(i * 15).then(() => api.post('/v1/orders', { storeId: S1, items: [{ sku: TEA.sku, quantity: 1 }] })));
    const restart = sleep(60).then(() => stack.proc('ordering', 1).restart());
    const responses = await Promise.all(orders);
    await restart;
    // During the rebalance an answer may come after the gateway's wait (202 PENDING): the order is still decided.
    expect(responses.every((r) => r.status === 201 || r.status === 202)).toBe(true);
    const decided = await Promise.all(responses.map((r) => waitFor(`order ${r.body.orderId}`, async () => {
      const res = await api.get(`/v1/orders/${r.body.orderId}`);
      return res.status === 200 && res.body;
    }, 60_000)));
    const withCoupon = decided.filter((o) => o.appliedCoupon !== null);
    expect(withCoupon).toHaveLength(1);
    expect(withCoupon[0]).toMatchObject({ discount: 300, appliedCoupon: { claimId } });
    expect(await waitFor('REDEEMED in the wallet', async () => {
      const entry = await walletEntry(api, claimId);
      return entry?.status === 'REDEEMED' && entry;
    })).toMatchObject({ orderId: withCoupon[0].orderId });
    await waitFor('the admin view to count one redemption', async () => (await merchant.get(`/v1/admin/coupons/${couponId}`)).body.redeemed === 1);
  });

  it('Read-your-writes: an order placed right after the claim response applies the claim, even while ordering lags behind (3 times)', async () => {
    // Ordering normally folds a claim long before the terminal's next request arrives. To make it lag for real, a
    // backlog of other claims (synthetic, for a coupon that does not exist) is put on the claim's wallet partition
    // just before it: the gateway reads past it in a moment, ordering folds it one transaction at a time, so the order
    // is decided only because it waits for the position of the claim its terminal saw.
    const couponId = await createCoupon({ title: 'Just claimed 1 off', discount: { type: 'AMOUNT_OFF', amount: 100 }, perUserLimit: 1 });
    const kafka = new Kafka({ clientId: 'orders-e2e', brokers: stack.brokers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (let round = 0; round < 3; round++) {
        const api = await shopper('ryw');
        const backlog = Array.from({ length: BACKLOG }, (_, i) =>
          envelope('CouponClaimed', {
            claimId: `ord-noise-${round}-${i}`, couponId: 'ord-noise', userId: `ord-noise-user-${i}`, title: 'noise', discount: { type: 'AMOUNT_OFF', amount: 1 },
            claimedAt: new Date().toISOString(), validUntil: null, issuedCount: i + 1,
          }, { aggregateId: couponId, correlationId: `ord-noise-${round}` }));
        // Keyed by the real coupon: the same partition as its claims (both producers partition keys the Java way).
        await producer.send({ topic: 'wallet.events.v1', acks: -1, messages: backlog.map((e) => ({ key: couponId, value: JSON.stringify(e), headers: headersOf(e) })) });
        const { claimId } = await claim(api, couponId);
        // Rounds alternate between the best coupon and naming it (a claim not yet seen would be a 409 then).
        const named = round % 2 === 1;
        const placed = await order(api, { storeId: S1, items: [{ sku: GUM.sku, quantity: 1 }], ...(named ? { couponId } : {}) });
        expect(placed).toMatchObject({ subtotal: 199, discount: 100, total: 99, appliedCoupon: { claimId, couponId } });
      }
    } finally {
      await producer.disconnect();
    }
  });

  it('Ownership: another user can neither read nor cancel an order, nor spend a coupon they do not hold', async () => {
    const couponId = await createCoupon({ title: 'Alice only 2 off', discount: { type: 'AMOUNT_OFF', amount: 200 } });
    const alice = await shopper('alice');
    const bob = await shopper('bob');
    await claim(alice, couponId);
    const placed = await order(alice, { storeId: S1, items: [{ sku: CAKE.sku, quantity: 1 }], couponId: null });
    expectError(await bob.get(`/v1/orders/${placed.orderId}`), 404);
    expectError(await bob.post(`/v1/orders/${placed.orderId}/cancel`, {}), 404);
    expectError(await bob.post('/v1/orders', { storeId: S1, items: [{ sku: CAKE.sku, quantity: 1 }], couponId }), 409, 'COUPON_NOT_APPLICABLE');
    // Alice's order and coupon are untouched.
    expect((await alice.get(`/v1/orders/${placed.orderId}`)).body).toMatchObject({ status: 'PROCESSED' });
    expect(await order(alice, { storeId: S1, items: [{ sku: CAKE.sku, quantity: 1 }], couponId })).toMatchObject({ discount: 200, total: 2350 });
  });

  it('GET /v1/orders: the caller\'s own orders, newest first, cursor-paged; a bad limit or cursor is 400 naming it', async () => {
    const api = await shopper('list');
    const other = await shopper('list-other');
    await order(other, { storeId: S1, items: [{ sku: GUM.sku, quantity: 1 }] });
    const placed: string[] = [];
    for (let i = 1; i <= 5; i++) placed.push((await order(api, { storeId: S1, items: [{ sku: TEA.sku, quantity: i }] })).orderId);
    const cancelled = await api.post(`/v1/orders/${placed[1]}/cancel`, {});
    expect(cancelled.status).toBe(200);

    const seen: any[] = [];
    let path = '/v1/orders?limit=2';
    for (let page = 0; page < 5 && path; page++) {
      const res = await api.get(path);
      expect(res.status).toBe(200);
      expect(res.body.orders.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.orders);
      path = res.body.nextCursor ? `/v1/orders?limit=2&cursor=${res.body.nextCursor}` : '';
    }
    expect(path).toBe('');
    expect(seen.map((o) => o.orderId)).toEqual([...placed].reverse());
    expect(seen.find((o) => o.orderId === placed[1])).toMatchObject({ status: 'CANCELLED', cancelledAt: expect.any(String) });
    expect(seen[0]).toMatchObject({ storeId: S1, items: [{ sku: TEA.sku, quantity: 5, unitPrice: 1000, lineTotal: 5000 }], total: 5000, processedAt: expect.any(String) });
    const all = await api.get('/v1/orders');
    expect(all.body).toMatchObject({ nextCursor: null });
    expect(all.body.orders).toHaveLength(5);

    for (const [query, field] of [['limit=0', 'limit'], ['limit=101', 'limit'], ['limit=two', 'limit'], ['limit=1.5', 'limit'], ['cursor=not-ours', 'cursor'], ['cursor=%20', 'cursor'], ['page=2', 'page']]) {
      const error = expectError(await api.get(`/v1/orders?${query}`), 400, 'VALIDATION_FAILED');
      expect(error.details).toEqual([expect.objectContaining({ field })]);
    }
    expectError(await api.as(undefined).get('/v1/orders'), 401, 'UNAUTHORIZED');
    const doc = (await api.get('/docs/json')).body;
    expect(doc.paths['/v1/orders'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'limit']);
  });

  it('Idempotency-Key: repeats in sequence, concurrently and after a gateway restart return the first response with one effect', async () => {
    const big = await createCoupon({ title: 'Idem 3 off', discount: { type: 'AMOUNT_OFF', amount: 300 } });
    const small = await createCoupon({ title: 'Idem 2 off', discount: { type: 'AMOUNT_OFF', amount: 200 } });
    const api = await shopper('idem');
    const bigClaim = await claim(api, big);
    const smallClaim = await claim(api, small);
    const basket = { storeId: S1, items: [{ sku: TEA.sku, quantity: 1 }] };

    const first = await api.post('/v1/orders', basket, { 'Idempotency-Key': 'idem-seq-1' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ discount: 300, appliedCoupon: { claimId: bigClaim.claimId } });
    for (let i = 0; i < 3; i++) {
      const again = await api.post('/v1/orders', basket, { 'Idempotency-Key': 'idem-seq-1' });
      expect([again.status, again.body]).toEqual([201, first.body]);
    }

    const concurrent: ApiResponse[] = await Promise.all(Array.from({ length: 6 }, () => api.post('/v1/orders', basket, { 'Idempotency-Key': 'idem-conc-1' })));
    expect(concurrent.map((r) => r.status)).toEqual(Array(6).fill(201));
    for (const r of concurrent) expect(r.body).toEqual(concurrent[0].body);
    // One effect each: the concurrent order spent the other coupon, and nothing is left for a third order.
    expect(concurrent[0].body).toMatchObject({ discount: 200, appliedCoupon: { claimId: smallClaim.claimId } });
    expect(concurrent[0].body.orderId).not.toBe(first.body.orderId);
    expect(await order(api, basket)).toMatchObject({ discount: 0, appliedCoupon: null });

    // A restarted gateway has no memory of the outcome: it asks ordering for the stored one.
    await stack.proc('scan-gateway').restart();
    const afterRestart = await api.post('/v1/orders', basket, { 'Idempotency-Key': 'idem-seq-1' });
    expect([afterRestart.status, afterRestart.body]).toEqual([201, first.body]);
    // The key with another basket: 422, before and after the restart, and no order placed for it.
    const reused = await api.post('/v1/orders', { ...basket, items: [{ sku: TEA.sku, quantity: 2 }] }, { 'Idempotency-Key': 'idem-seq-1' });
    expect([reused.status, reused.body.error?.code, reused.body.error?.details?.[0]?.field]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key']);
    const concurrentReused = await api.post('/v1/orders', { ...basket, couponId: null }, { 'Idempotency-Key': 'idem-conc-1' });
    expect([concurrentReused.status, concurrentReused.body.error?.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const wallet = await api.get('/v1/wallet');
    const mine = (wallet.body.coupons as any[]).filter((c) => c.couponId === big || c.couponId === small);
    expect(mine.map((c) => [c.claimId, c.status, c.orderId]).sort()).toEqual(
      [[bigClaim.claimId, 'REDEEMED', first.body.orderId], [smallClaim.claimId, 'REDEEMED', concurrent[0].body.orderId]].sort(),
    );
    await waitFor('the admin counts', async () => (await merchant.get(`/v1/admin/coupons/${big}`)).body.redeemed === 1 && (await merchant.get(`/v1/admin/coupons/${small}`)).body.redeemed === 1);
  });

  it('cancel: CANCELLED, the coupon AVAILABLE again, order.processed and order.cancelled pushed; twice or unknown is refused', async () => {
    const couponId = await createCoupon({ title: 'Cancel me 5 off', discount: { type: 'AMOUNT_OFF', amount: 500 } });
    const api = await shopper('cancel');
    const stream = await openStream(`${stack.gatewayUrl}/v1/notifications/stream`, api.token!);
    try {
      expect(stream.status).toBe(200);
      const { claimId } = await claim(api, couponId);
      const placed = await order(api, { storeId: S1, items: [{ sku: CAKE.sku, quantity: 1 }] });
      expect(placed).toMatchObject({ discount: 500, total: 2050, appliedCoupon: { claimId } });
      await waitFor('REDEEMED in the wallet', async () => (await walletEntry(api, claimId))?.status === 'REDEEMED');

      const cancelled = await api.post(`/v1/orders/${placed.orderId}/cancel`, {});
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toEqual({ ...placed, status: 'CANCELLED' });
      expect((await api.get(`/v1/orders/${placed.orderId}`)).body.status).toBe('CANCELLED');
      const entry = await waitFor('AVAILABLE again in the wallet', async () => {
        const e = await walletEntry(api, claimId);
        return e?.status === 'AVAILABLE' && e;
      });
      expect(entry.orderId).toBeUndefined();
      await waitFor('the admin view to count no redemption', async () => (await merchant.get(`/v1/admin/coupons/${couponId}`)).body.redeemed === 0);

      expectError(await api.post(`/v1/orders/${placed.orderId}/cancel`, {}), 409, 'ALREADY_CANCELLED');
      expectError(await api.post('/v1/orders/ord_unknown/cancel', {}), 404, 'ORDER_NOT_FOUND');

      await waitFor('order.processed and order.cancelled on the stream', () => stream.events.filter((e) => e.event?.startsWith('order.')).length >= 2);
      const pushed = stream.events.filter((e) => e.event?.startsWith('order.'));
      expect(pushed.map((e) => [e.event, e.data.orderId])).toEqual([['order.processed', placed.orderId], ['order.cancelled', placed.orderId]]);
      expect(pushed[0].data).toMatchObject({ total: 2050, discount: 500, appliedCoupon: { claimId, couponId } });
      expect(pushed.every((e) => typeof e.id === 'string' && e.id.length > 0)).toBe(true);

      // The released coupon is spent by the next order.
      expect(await order(api, { storeId: S1, items: [{ sku: CAKE.sku, quantity: 1 }] })).toMatchObject({ discount: 500, appliedCoupon: { claimId } });
    } finally {
      await stream.close();
    }
  });

  describe('discount arithmetic', () => {
    it('AMOUNT_OFF is capped at the eligible amount, and the total never goes below zero', async () => {
      const teaFifty = await createCoupon({ title: 'Tea 50 off', discount: { type: 'AMOUNT_OFF', amount: 5000 }, target: { skus: [TEA.sku] } });
      const api = await shopper('amount');
      await claim(api, teaFifty);
      // tea 2 x 1000 = 2000 eligible, cake 2550 not: min(5000, 2000) = 2000; 4550 - 2000 = 2550.
      expect(await order(api, { storeId: S1, items: [{ sku: TEA.sku, quantity: 2 }, { sku: CAKE.sku, quantity: 1 }] })).toMatchObject({
        subtotal: 4550, discount: 2000, total: 2550, appliedCoupon: { couponId: teaFifty },
      });
      const wholeOrder = await createCoupon({ title: 'Everything 50 off', discount: { type: 'AMOUNT_OFF', amount: 5000 } });
      const other = await shopper('amount-all');
      await claim(other, wholeOrder);
      // gum 199, whole order: min(5000, 199) = 199; total 0.
      expect(await order(other, { storeId: S1, items: [{ sku: GUM.sku, quantity: 1 }] })).toMatchObject({ subtotal: 199, discount: 199, total: 0 });
    });

    it('PERCENT_OFF rounds down and is capped by maxDiscount', async () => {
      const capped = await createCoupon({ title: 'Dairy 15% up to 5', discount: { type: 'PERCENT_OFF', percent: 15, maxDiscount: 500 }, target: { categories: ['dairy'] } });
      const uncapped = await createCoupon({ title: 'Dairy 15%', discount: { type: 'PERCENT_OFF', percent: 15 }, target: { categories: ['dairy'] } });
      const a = await shopper('pct-cap');
      await claim(a, capped);
      // milk 3 x 1299 = 3897 eligible (gum is snacks): 15% = 584.55 -> 584 -> capped at 500; 3897 + 199 - 500 = 3596.
      expect(await order(a, { storeId: S1, items: [{ sku: MILK.sku, quantity: 3 }, { sku: GUM.sku, quantity: 1 }] })).toMatchObject({
        subtotal: 4096, discount: 500, total: 3596, appliedCoupon: { couponId: capped },
      });
      const b = await shopper('pct-floor');
      await claim(b, uncapped);
      // milk 1299: 15% = 194.85 -> 194; 1299 - 194 = 1105.
      expect(await order(b, { storeId: S1, items: [{ sku: MILK.sku, quantity: 1 }] })).toMatchObject({ subtotal: 1299, discount: 194, total: 1105 });
    });

    it('minSpend is met by the eligible amount: equal passes, one fen less fails', async () => {
      // Acme items: milk 1299 + gum 4 x 199 = 796 -> eligible 2095; tea (Leaf) 1000 does not count; subtotal 3095.
      const basket = { storeId: S1, items: [{ sku: MILK.sku, quantity: 1 }, { sku: GUM.sku, quantity: 4 }, { sku: TEA.sku, quantity: 1 }] };
      const equal = await createCoupon({ title: 'Acme 3 off from 20.95', discount: { type: 'AMOUNT_OFF', amount: 300 }, minSpend: 2095, target: { brands: ['Acme'] } });
      const above = await createCoupon({ title: 'Acme 3 off from 20.96', discount: { type: 'AMOUNT_OFF', amount: 300 }, minSpend: 2096, target: { brands: ['Acme'] } });
      const a = await shopper('min-equal');
      await claim(a, equal);
      expect(await order(a, basket)).toMatchObject({ subtotal: 3095, discount: 300, total: 2795, appliedCoupon: { couponId: equal } });
      const b = await shopper('min-short');
      await claim(b, above);
      expectError(await b.post('/v1/orders', { ...basket, couponId: above }), 409, 'COUPON_NOT_APPLICABLE');
      expect(await order(b, basket)).toMatchObject({ subtotal: 3095, discount: 0, total: 3095, appliedCoupon: null });
    });

    it('a target of skus, categories and brands counts only the matching items of a mixed basket', async () => {
      const mixed = await createCoupon({
        title: 'Tea, bakery or Acme 10%', discount: { type: 'PERCENT_OFF', percent: 10 }, target: { skus: [TEA.sku], categories: ['bakery'], brands: ['Acme'] },
      });
      const api = await shopper('target');
      await claim(api, mixed);
      // eligible: tea 1000 (sku) + cake 2550 (category) + milk 1299 (brand) = 4849; water 2 x 350 = 700 matches nothing.
      // 10% of 4849 = 484.9 -> 484; subtotal 5549; total 5065.
      const items = [{ sku: TEA.sku, quantity: 1 }, { sku: CAKE.sku, quantity: 1 }, { sku: MILK.sku, quantity: 1 }, { sku: WATER.sku, quantity: 2 }];
      expect(await order(api, { storeId: S1, items })).toMatchObject({ subtotal: 5549, discount: 484, total: 5065, appliedCoupon: { couponId: mixed } });
    });

    it('a store-restricted coupon applies only in its stores', async () => {
      const onlyS2 = await createCoupon({ title: 'Store two 4 off', discount: { type: 'AMOUNT_OFF', amount: 400 }, storeIds: [S2] });
      const api = await shopper('store');
      await claim(api, onlyS2);
      const items = [{ sku: CAKE.sku, quantity: 1 }];
      expectError(await api.post('/v1/orders', { storeId: S1, items, couponId: onlyS2 }), 409, 'COUPON_NOT_APPLICABLE');
      expect(await order(api, { storeId: S1, items })).toMatchObject({ discount: 0, appliedCoupon: null });
      expect(await order(api, { storeId: S2, items })).toMatchObject({ subtotal: 2550, discount: 400, total: 2150, appliedCoupon: { couponId: onlyS2 } });
    });

    it('an expired claim never applies', async () => {
      const until = new Date(Date.now() + 3000).toISOString();
      const shortLived = await createCoupon({ title: 'Gone soon 1 off', discount: { type: 'AMOUNT_OFF', amount: 100 }, validDaysAfterClaim: undefined, validUntil: until, claimableUntil: until });
      const api = await shopper('expired');
      const { claimId } = await claim(api, shortLived);
      await sleep(Math.max(0, Date.parse(until) - Date.now()) + 300);
      expectError(await api.post('/v1/orders', { storeId: S1, items: [{ sku: TEA.sku, quantity: 1 }], couponId: shortLived }), 409, 'COUPON_NOT_APPLICABLE');
      expect(await order(api, { storeId: S1, items: [{ sku: TEA.sku, quantity: 1 }] })).toMatchObject({ discount: 0, appliedCoupon: null });
      expect((await walletEntry(api, claimId))?.status).toBe('EXPIRED');
    }, 30_000);
  });

});
