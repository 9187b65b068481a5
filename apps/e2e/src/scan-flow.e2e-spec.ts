// A merchant sets up stores, products and coupons through the admin API; a terminal scans codes of every kind the
// contract accepts. Expected lists are worked out by hand from DESIGN §5 (not with the rules library), so that this
// test checks the rules as the contract states them:
//   matchScore = 4 if P's sku is targeted, else 2 if P's category or brand is, else 0; +1 if S is in storeIds.
//   order: matchScore desc, discount on one unit of P desc, priority desc, claimableUntil asc, couponId asc.
import { Topics } from '@coupons/contracts';
import { RunningStack, startStack } from '@coupons/testing';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { Api, expectError } from './support/http';

const S1 = 'e2e-s1';
const S2 = 'e2e-s2';
const MILK = { sku: 'p-milk', name: 'Milk 1 L', price: 1500, gtin: '6901234000016', category: 'dairy', brand: 'Acme' };
const COLA = { sku: 'p-cola', name: 'Cola 330 ml', price: 300, gtin: '6904567000012', category: 'drinks', brand: 'Fizz' };
const CHEESE = { sku: 'p-cheese', name: 'Cheese, no barcode', price: 1000, category: 'dairy', brand: 'Other' };
const DAY = 86_400_000;

describe('scan flow (all services as processes)', () => {
  let stack: RunningStack;
  let merchant: Api;
  let terminal: Api;
  /** Coupon name in this test -> couponId the server assigned. */
  const id: Record<string, string> = {};
  const in10days = new Date(Date.now() + 10 * DAY).toISOString();
  const in2days = new Date(Date.now() + 2 * DAY).toISOString();

  beforeAll(async () => {
    stack = await startStack();
    merchant = new Api(stack.gatewayUrl, await stack.devToken('e2e-merchant', ['merchant']));
    terminal = new Api(stack.gatewayUrl, await stack.devToken('e2e-shopper', ['customer']));

    for (const [storeId, name] of [[S1, 'Store One'], [S2, 'Store Two']]) {
      const res = await merchant.put(`/v1/admin/stores/${storeId}`, { name });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ storeId, name });
    }
    for (const { sku, ...p } of [MILK, COLA, CHEESE]) {
      const res = await merchant.put(`/v1/admin/products/${sku}`, p);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ sku, name: p.name, price: p.price });
    }

    const coupons: Record<string, Record<string, unknown>> = {
      // Same score (4) and value (200): priority, then claimableUntil, then couponId decide.
      skuMilk: { title: 'Milk 2 off', discount: { type: 'AMOUNT_OFF', amount: 200 }, target: { skus: [MILK.sku] }, claimableUntil: in10days },
      skuMilkTwin: { title: 'Milk 2 off (twin)', discount: { type: 'AMOUNT_OFF', amount: 200 }, target: { skus: [MILK.sku] }, claimableUntil: in10days },
      skuMilkPriority: { title: 'Milk 2 off, priority', discount: { type: 'AMOUNT_OFF', amount: 200 }, target: { skus: [MILK.sku] }, priority: 5, claimableUntil: in10days },
      skuMilkSoon: { title: 'Milk 2 off, ends soon', discount: { type: 'AMOUNT_OFF', amount: 200 }, target: { skus: [MILK.sku] }, claimableUntil: in2days },
      // Category 10%: 150 on milk, 100 on cheese.
      dairy10: { title: 'Dairy 10%', discount: { type: 'PERCENT_OFF', percent: 10 }, target: { categories: ['dairy'] }, claimableUntil: in10days },
      // Category 50% capped at 120: 120 on milk and on cheese.
      dairy50cap: { title: 'Dairy 50% up to 1.20', discount: { type: 'PERCENT_OFF', percent: 50, maxDiscount: 120 }, target: { categories: ['dairy'] }, claimableUntil: in10days },
      // Brand, only in S1: score 2 (+1 at S1), value 300.
      acmeS1: { title: 'Acme 3 off in store one', discount: { type: 'AMOUNT_OFF', amount: 300 }, target: { brands: ['Acme'] }, storeIds: [S1], claimableUntil: in10days },
      // Sku, only in S2: score 4 (+1 at S2), value 100.
      milkS2: { title: 'Milk 1 off in store two', discount: { type: 'AMOUNT_OFF', amount: 100 }, target: { skus: [MILK.sku] }, storeIds: [S2], claimableUntil: in10days },
      // Whole order, minimum spend: score 0. Value 500 on a unit (or 0 if the minimum counts): below storeS1 anyway.
      spend30: { title: '5 off 30', discount: { type: 'AMOUNT_OFF', amount: 500 }, minSpend: 3000, claimableUntil: in10days },
      // Store coupon, whole order: score 0 (+1 at S1), value min(50% of price, 600).
      storeS1: { title: 'Store one: half off up to 6', discount: { type: 'PERCENT_OFF', percent: 50, maxDiscount: 600 }, storeIds: [S1], claimableUntil: in10days },
      drinks: { title: 'Drinks 0.50 off', discount: { type: 'AMOUNT_OFF', amount: 50 }, target: { categories: ['drinks'] }, claimableUntil: in10days },
      paused: { title: 'Paused milk coupon', discount: { type: 'AMOUNT_OFF', amount: 900 }, target: { skus: [MILK.sku] }, claimableUntil: in10days },
    };
    for (const [name, body] of Object.entries(coupons)) {
      const res = await merchant.post('/v1/admin/coupons', { totalQuantity: 100, perUserLimit: 1, validDaysAfterClaim: 30, ...body });
      if (res.status !== 201) throw new Error(`creating ${name}: ${res.status} ${res.text}`);
      expect(res.body).toMatchObject({ title: body.title, discount: body.discount });
      expect(typeof res.body.couponId).toBe('string');
      id[name] = res.body.couponId;
    }
    const paused = await merchant.patch(`/v1/admin/coupons/${id.paused}`, { status: 'PAUSED' });
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('PAUSED');

    const displays = await merchant.put(`/v1/admin/stores/${S1}/displays`, {
      items: [
        { sku: MILK.sku, headline: 'Fresh every morning' },
        { sku: COLA.sku, headline: 'Ice cold' },
      ],
    });
    expect(displays.status).toBe(200);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** couponIds of equal rank are ordered by couponId asc. */
  const byId = (...names: string[]) => names.map((n) => id[n]).sort();
  const ids = (coupons: Array<{ couponId: string }>) => coupons.map((c) => c.couponId);
  const scores = (coupons: Array<{ matchScore: number }>) => coupons.map((c) => c.matchScore);

  it('admin view shows a new coupon with its counts and status', async () => {
    const res = await merchant.get(`/v1/admin/coupons/${id.dairy50cap}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ couponId: id.dairy50cap, title: 'Dairy 50% up to 1.20', issued: 0, redeemed: 0, status: 'ACTIVE' });
    expect(res.body.discount).toEqual({ type: 'PERCENT_OFF', percent: 50, maxDiscount: 120 });
  });

  it('ranks the coupons for a bare GTIN-13 with the store in the body', async () => {
    const res = await terminal.post('/v1/scans', { code: MILK.gtin, storeId: S1 });
    expect(res.status).toBe(200);
    // Not offered: drinks (wrong category), paused, milkS2 (other store).
    expect(ids(res.body.coupons)).toEqual([
      id.skuMilkPriority, // 4, 200, priority 5
      id.skuMilkSoon, // 4, 200, ends first
      ...byId('skuMilk', 'skuMilkTwin'), // 4, 200, same end: couponId
      id.acmeS1, // 2 + 1
      id.dairy10, // 2, 150
      id.dairy50cap, // 2, 120
      id.storeS1, // 0 + 1
      id.spend30, // 0
    ]);
    expect(scores(res.body.coupons)).toEqual([4, 4, 4, 4, 3, 2, 2, 1, 0]);
    expect(res.body.best).toEqual(res.body.coupons[0]);
    expect(res.body.storeId).toBe(S1);
    expect(res.body.product).toEqual({ sku: MILK.sku, gtin: `0${MILK.gtin}`, name: MILK.name, price: MILK.price, currency: 'CNY', merchantId: 'e2e-merchant' });
    expect(res.body.displays).toEqual([
      { sku: MILK.sku, name: MILK.name, headline: 'Fresh every morning', price: MILK.price, currency: 'CNY' },
      { sku: COLA.sku, name: COLA.name, headline: 'Ice cold', price: COLA.price, currency: 'CNY' },
    ]);
  });

  it('gives every offer the contract fields', async () => {
    const res = await terminal.post('/v1/scans', { code: MILK.gtin, storeId: S1 });
    const offer = res.body.coupons.find((c: any) => c.couponId === id.acmeS1);
    expect(Object.keys(offer).sort()).toEqual(
      expect.arrayContaining(['claimableUntil', 'couponId', 'discount', 'matchScore', 'minSpend', 'remaining', 'storeIds', 'target', 'title']),
    );
    expect(offer).toMatchObject({
      title: 'Acme 3 off in store one',
      discount: { type: 'AMOUNT_OFF', amount: 300 },
      target: { brands: ['Acme'] },
      storeIds: [S1],
      remaining: 100,
      matchScore: 3,
    });
    expect(new Date(offer.claimableUntil).toISOString()).toBe(in10days);
  });

  it('reads a GS1 Digital Link URI with more AIs and a query, without a store', async () => {
    const res = await terminal.post('/v1/scans', { code: `https://id.example.com/01/0${MILK.gtin}/10/LOT42?linkType=all` });
    expect(res.status).toBe(200);
    expect(res.body.product.sku).toBe(MILK.sku);
    expect(res.body.storeId).toBeNull();
    // Store unknown: store-restricted coupons stay valid but earn no +1.
    expect(ids(res.body.coupons)).toEqual([
      id.skuMilkPriority,
      id.skuMilkSoon,
      ...byId('skuMilk', 'skuMilkTwin'),
      id.milkS2, // 4, 100
      id.acmeS1, // 2, 300
      id.dairy10, // 2, 150
      id.dairy50cap, // 2, 120
      id.storeS1, // 0, 600
      id.spend30, // 0, 500 or less
    ]);
    expect(scores(res.body.coupons)).toEqual([4, 4, 4, 4, 4, 2, 2, 2, 0, 0]);
    expect(res.body.best.couponId).toBe(id.skuMilkPriority);
    expect(res.body.displays).toEqual([]);
  });

  it('reads a store QR code with gtin=', async () => {
    const res = await terminal.post('/v1/scans', { code: `https://shop.example.cn/s/${S2}?gtin=${MILK.gtin}` });
    expect(res.status).toBe(200);
    expect(res.body.storeId).toBe(S2);
    expect(res.body.product.sku).toBe(MILK.sku);
    expect(ids(res.body.coupons)).toEqual([
      id.milkS2, // 4 + 1
      id.skuMilkPriority,
      id.skuMilkSoon,
      ...byId('skuMilk', 'skuMilkTwin'),
      id.dairy10,
      id.dairy50cap,
      id.spend30,
    ]);
    expect(scores(res.body.coupons)).toEqual([5, 4, 4, 4, 4, 2, 2, 0]);
    expect(res.body.best.couponId).toBe(id.milkS2);
    expect(res.body.displays).toEqual([]);
  });

  it('reads a store QR code with sku= for a product without a barcode', async () => {
    const res = await terminal.post('/v1/scans', { code: `https://shop.example.cn/s/${S1}?sku=${CHEESE.sku}` });
    expect(res.status).toBe(200);
    expect(res.body.storeId).toBe(S1);
    expect(res.body.product).toMatchObject({ sku: CHEESE.sku, name: CHEESE.name, price: CHEESE.price });
    expect(ids(res.body.coupons)).toEqual([
      id.dairy50cap, // 2, min(500, 120) = 120
      id.dairy10, // 2, 100
      id.storeS1, // 1
      id.spend30, // 0
    ]);
    expect(scores(res.body.coupons)).toEqual([2, 2, 1, 0]);
    expect(res.body.displays.map((d: any) => d.sku)).toEqual([MILK.sku, COLA.sku]);
  });

  it('offers only whole-order and store coupons for a store QR code without a product', async () => {
    const res = await terminal.post('/v1/scans', { code: `https://shop.example.cn/s/${S1}` });
    expect(res.status).toBe(200);
    expect(res.body.product).toBeNull();
    expect(res.body.storeId).toBe(S1);
    const got = ids(res.body.coupons);
    expect(got).toEqual(expect.arrayContaining([id.storeS1, id.spend30]));
    expect(got.indexOf(id.storeS1)).toBeLessThan(got.indexOf(id.spend30));
    for (const productOnly of ['skuMilk', 'skuMilkTwin', 'skuMilkPriority', 'skuMilkSoon', 'dairy10', 'dairy50cap', 'drinks', 'paused', 'milkS2']) {
      expect(got).not.toContain(id[productOnly]);
    }
    expect(res.body.best.couponId).toBe(got[0]);
  });

  it('works without a token and with another GTIN form (GTIN-14)', async () => {
    const res = await new Api(stack.gatewayUrl).post('/v1/scans', { code: `0${COLA.gtin}`, storeId: S2 });
    expect(res.status).toBe(200);
    expect(res.body.product.sku).toBe(COLA.sku);
    expect(ids(res.body.coupons)).toEqual([id.drinks, id.spend30]);
    expect(scores(res.body.coupons)).toEqual([2, 0]);
  });

  it('answers a well-formed code of an unknown product with product null', async () => {
    const res = await terminal.post('/v1/scans', { code: '4006381333931' });
    expect(res.status).toBe(200);
    expect(res.body.product).toBeNull();
    expect(Array.isArray(res.body.coupons)).toBe(true);
  });

  it('refuses an unreadable code with INVALID_CODE', async () => {
    expectError(await terminal.post('/v1/scans', { code: 'hello world' }), 400, 'INVALID_CODE');
  });

  it('gives the same answer after the catalog is killed (SIGKILL) and the gateway restarted', async () => {
    const before = await terminal.post('/v1/scans', { code: MILK.gtin, storeId: S1 });
    const catalog = stack.proc('coupon-catalog');
    await catalog.kill('SIGKILL');
    catalog.start();
    await catalog.waitHealthy(60_000);
    await stack.proc('scan-gateway').restart(60_000);
    const after = await terminal.post('/v1/scans', { code: MILK.gtin, storeId: S1 });
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
  });

  it('stops offering a paused coupon and offers it again once active', async () => {
    expect(ids((await terminal.post('/v1/scans', { code: MILK.gtin, storeId: S1 })).body.coupons)).not.toContain(id.paused);
    expect((await merchant.patch(`/v1/admin/coupons/${id.paused}`, { status: 'ACTIVE' })).status).toBe(200);
    const res = await terminal.post('/v1/scans', { code: MILK.gtin, storeId: S1 });
    expect(res.body.best.couponId).toBe(id.paused); // 4, 900
  });

  // DESIGN.md: event topics are the record. The services provisioned them (nothing is auto-created), on whichever
  // broker this run uses (npm test runs this file on the embedded broker and on Apache Kafka).
  it('the event topics the services created keep every event: retention.ms=-1, retention.bytes=-1, delete policy', async () => {
    const admin = new Kafka({ clientId: 'e2e-topic-configs', brokers: stack.brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const events = [Topics.catalogEvents, Topics.walletEvents, Topics.orderingEvents];
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: events.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'retention.bytes', 'cleanup.policy'] })),
      });
      const configs = Object.fromEntries(resources.map((r) => [r.resourceName, Object.fromEntries(r.configEntries.map((c) => [c.configName, c.configValue]))]));
      for (const topic of events) expect([topic, configs[topic]]).toEqual([topic, { 'retention.ms': '-1', 'retention.bytes': '-1', 'cleanup.policy': 'delete' }]);
    } finally {
      await admin.disconnect();
    }
  });
});
