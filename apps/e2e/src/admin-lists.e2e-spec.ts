// The merchant lists end to end (issue 15 §2): a merchant creates stores, products and coupons through the admin API
// and lists them newest first, page by page; a shopper's claim and order show in the coupon's issued / redeemed /
// remaining; bad paging answers 400 naming the field. Every service a process, the catalog answering over Kafka.
import { RunningStack, startStack } from '@coupons/testing';
import { Api, ApiResponse, detailFields, expectError } from './support/http';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('merchant lists (all services as processes)', () => {
  let stack: RunningStack;
  let merchant: Api;

  /** Every item of a list, following nextCursor, and the page sizes. */
  async function allPages(path: string): Promise<{ items: any[]; sizes: number[] }> {
    const items: any[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await merchant.get(cursor ? `${path}${path.includes('?') ? '&' : '?'}cursor=${cursor}` : path);
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      sizes.push(res.body.items.length);
      cursor = res.body.nextCursor;
    } while (cursor);
    return { items, sizes };
  }

  beforeAll(async () => {
    stack = await startStack();
    merchant = new Api(stack.gatewayUrl, await stack.devToken('lists-merchant', ['merchant']));
    // One after another, so each is created after the previous (newest first is the reverse).
    for (const [storeId, name] of [['ls-north', 'North'], ['ls-south', 'South'], ['ls-east', 'East']]) {
      expect((await merchant.put(`/v1/admin/stores/${storeId}`, { name })).status).toBe(200);
    }
    for (const p of [
      { sku: 'ls-tea', name: 'Green tea', price: 1000, gtin: '6901234000016', category: 'drinks', brand: 'Leaf' },
      { sku: 'ls-cake', name: 'Cake', price: 2500, category: 'bakery' },
      { sku: 'ls-milk', name: 'Milk 100%', price: 1200, category: 'drinks', brand: 'Acme' },
    ]) {
      const { sku, ...body } = p;
      expect((await merchant.put(`/v1/admin/products/${sku}`, body)).status).toBe(200);
    }
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('pages stores and products newest first and filters products by q, category and brand', async () => {
    const stores = await allPages('/v1/admin/stores?limit=2');
    expect(stores.sizes).toEqual([2, 1]);
    expect(stores.items).toEqual([
      { storeId: 'ls-east', merchantId: 'lists-merchant', name: 'East', createdAt: expect.any(String) },
      { storeId: 'ls-south', merchantId: 'lists-merchant', name: 'South', createdAt: expect.any(String) },
      { storeId: 'ls-north', merchantId: 'lists-merchant', name: 'North', createdAt: expect.any(String) },
    ]);
    // A rename keeps the store's place.
    expect((await merchant.put('/v1/admin/stores/ls-north', { name: 'North (new)' })).status).toBe(200);
    expect((await merchant.get('/v1/admin/stores')).body).toEqual({
      items: [expect.objectContaining({ storeId: 'ls-east' }), expect.objectContaining({ storeId: 'ls-south' }), expect.objectContaining({ storeId: 'ls-north', name: 'North (new)' })],
      nextCursor: null,
    });

    const skus = async (query: string) => ((await merchant.get(`/v1/admin/products?${query}`)).body.items as any[]).map((p) => p.sku);
    expect(await skus('')).toEqual(['ls-milk', 'ls-cake', 'ls-tea']);
    expect(await skus('q=TEA')).toEqual(['ls-tea']);
    expect(await skus('q=6901234000016')).toEqual(['ls-tea']); // the GTIN-13 inside the stored GTIN-14
    expect(await skus(`q=${encodeURIComponent('%')}`)).toEqual(['ls-milk']); // a literal %, not a wildcard
    expect(await skus('category=drinks')).toEqual(['ls-milk', 'ls-tea']);
    expect(await skus('category=drinks&brand=Leaf')).toEqual(['ls-tea']);
    expect((await merchant.get('/v1/admin/products?q=ls-tea')).body.items).toEqual([{
      merchantId: 'lists-merchant', sku: 'ls-tea', name: 'Green tea', price: 1000, currency: 'CNY', gtin: '06901234000016', category: 'drinks', brand: 'Leaf', createdAt: expect.any(String),
    }]);
  });

  it('lists coupons with issued, redeemed and remaining after a claim and an order, filtered by status, store and q', async () => {
    const create = async (body: Record<string, unknown>) => {
      const res = await merchant.post('/v1/admin/coupons', { discount: { type: 'AMOUNT_OFF', amount: 100 }, validDaysAfterClaim: 7, ...body });
      expect(res.status).toBe(201);
      return res.body.couponId as string;
    };
    const everywhere = await create({ title: 'Everywhere 1 off', totalQuantity: 5 });
    const north = await create({ title: 'North only', storeIds: ['ls-north'], totalQuantity: 3 });
    const paused = await create({ title: 'Paused south', storeIds: ['ls-south'], totalQuantity: 2 });
    expect((await merchant.patch(`/v1/admin/coupons/${paused}`, { status: 'PAUSED' })).status).toBe(200);

    const shopper = new Api(stack.gatewayUrl, await stack.devToken('lists-shopper', ['customer']));
    expect((await shopper.post('/v1/claims', { couponId: everywhere })).status).toBe(201);
    expect((await shopper.post('/v1/claims', { couponId: north })).status).toBe(201);
    const order = await shopper.post('/v1/orders', { storeId: 'ls-east', items: [{ sku: 'ls-tea', quantity: 1 }], couponId: everywhere });
    expect(order.status).toBe(201);
    expect(order.body.appliedCoupon).toMatchObject({ couponId: everywhere });

    // The catalog folds the wallet's and ordering's events into the counts shortly after.
    const counts = (items: any[]) => items.map(({ couponId, issued, redeemed, remaining, status }) => ({ couponId, issued, redeemed, remaining, status }));
    const listed = await waitFor('the claim and the order in the counts', async () => {
      const page = await allPages('/v1/admin/coupons?limit=2');
      const e = page.items.find((c) => c.couponId === everywhere);
      return e?.issued === 1 && e?.redeemed === 1 && page.items.find((c) => c.couponId === north)?.issued === 1 && page;
    });
    expect(listed.sizes).toEqual([2, 1]);
    expect(counts(listed.items)).toEqual([
      { couponId: paused, issued: 0, redeemed: 0, remaining: 2, status: 'PAUSED' },
      { couponId: north, issued: 1, redeemed: 0, remaining: 2, status: 'ACTIVE' },
      { couponId: everywhere, issued: 1, redeemed: 1, remaining: 4, status: 'ACTIVE' },
    ]);
    expect(listed.items[2]).toMatchObject({ title: 'Everywhere 1 off', totalQuantity: 5, storeIds: [], createdAt: expect.any(String) });

    const ids = async (query: string) => ((await merchant.get(`/v1/admin/coupons?${query}`)).body.items as any[]).map((c) => c.couponId);
    expect(await ids('status=PAUSED')).toEqual([paused]);
    expect(await ids('storeId=ls-north')).toEqual([north, everywhere]); // naming the store, or every store
    expect(await ids('q=only')).toEqual([north]);
    expect(await ids('q=ONLY&status=PAUSED')).toEqual([]);
  });

  it.each([
    ['/v1/admin/stores?limit=0', 'limit'],
    ['/v1/admin/stores?limit=101', 'limit'],
    ['/v1/admin/products?limit=ten', 'limit'],
    ['/v1/admin/coupons?limit=1.5', 'limit'],
    ['/v1/admin/products?cursor=not-a-cursor', 'cursor'],
    ['/v1/admin/coupons?cursor=a%20b', 'cursor'],
    ['/v1/admin/coupons?status=ARCHIVED', 'status'],
    ['/v1/admin/products?q=', 'q'],
    [`/v1/admin/products?q=${'x'.repeat(65)}`, 'q'],
    ['/v1/admin/coupons?sort=title', 'sort'],
  ])('answers %s with 400 naming %s', async (path, field) => {
    const err = expectError(await merchant.get(path), 400, 'VALIDATION_FAILED');
    expect(detailFields(err)).toEqual([field]);
  });

  it('documents each list in /docs with its query parameters, item shape and errors', async () => {
    const doc = (await merchant.get('/docs/json')).body;
    for (const [path, params] of [
      ['/v1/admin/stores', ['cursor', 'limit', 'q']],
      ['/v1/admin/products', ['brand', 'category', 'cursor', 'limit', 'q']],
      ['/v1/admin/coupons', ['cursor', 'limit', 'q', 'status', 'storeId']],
    ] as const) {
      const get = doc.paths[path].get;
      expect(get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(params);
      expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '503']));
    }
    expect(Object.keys(doc.components.schemas.CouponListItem.properties)).toEqual(expect.arrayContaining(['issued', 'redeemed', 'remaining']));
  });

  it('is for merchants only', async () => {
    expectError(await new Api(stack.gatewayUrl).get('/v1/admin/coupons'), 401);
    const shopper = new Api(stack.gatewayUrl, await stack.devToken('lists-customer', ['customer']));
    expectError(await shopper.get('/v1/admin/stores'), 403);
  });
});
