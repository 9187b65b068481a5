// Tenancy (issue 15 §1, DESIGN §2 invariant 4): a merchant sees and changes only its own stores, products, coupons and
// displays. A second merchant gets, for each of the first's ids, the answer an id that does not exist gets (same status,
// code and message but for the id); store ids are the platform's (STORE_ID_TAKEN), skus and GTINs each merchant's; a
// scan or an order at a store uses that store's merchant's catalog. Driven only through HTTP, as merchants would.
import { RunningStack, mintDevToken, startStack } from '@coupons/testing';
import { Api, ApiResponse, detailFields, expectError } from './support/http';
import { waitFor } from './support/wait';

const A = 'ten-a';
const B = 'ten-b';
const STORE_A = 'ten-store-a';
const STORE_B = 'ten-store-b';
/** Both merchants sell a product under this sku and GTIN, at different prices. */
const MILK = { sku: 'ten-milk', gtin: '6901234000016' };
const A_ONLY = 'ten-a-cheese';

describe('tenancy: each merchant sees and changes only its own', () => {
  let stack: RunningStack;
  let merchantA: Api;
  let merchantB: Api;
  let operator: Api;
  let shopper: Api;
  let couponA: string;
  let couponB: string;

  const scan = (code: string, storeId?: string) => new Api(stack.gatewayUrl).post('/v1/scans', { code, ...(storeId ? { storeId } : {}) });
  /** An error body with the given ids replaced, to compare another merchant's answer with an unknown id's. */
  const shape = (res: { status: number; body: unknown }, ids: string[], by: string) => {
    let text = JSON.stringify(res.body);
    for (const id of ids) text = text.split(id).join(by);
    return { status: res.status, body: JSON.parse(text) };
  };

  beforeAll(async () => {
    stack = await startStack();
    const api = new Api(stack.gatewayUrl);
    merchantA = api.as(await stack.devToken(A, ['merchant']));
    merchantB = api.as(await stack.devToken(B, ['merchant']));
    operator = api.as(await stack.devToken('ten-operator', ['admin']));
    shopper = api.as(await stack.devToken('ten-shopper', ['customer']));

    expect((await merchantA.put(`/v1/admin/stores/${STORE_A}`, { name: 'A store' })).body).toEqual({ storeId: STORE_A, name: 'A store', merchantId: A });
    expect((await merchantA.put(`/v1/admin/products/${MILK.sku}`, { name: 'A milk', price: 1500, gtin: MILK.gtin, category: 'dairy' })).status).toBe(200);
    expect((await merchantA.put(`/v1/admin/products/${A_ONLY}`, { name: 'A cheese', price: 3000 })).status).toBe(200);
    const created = await merchantA.post('/v1/admin/coupons', {
      title: 'A: milk 2 off', discount: { type: 'AMOUNT_OFF', amount: 200 }, target: { skus: [MILK.sku] }, storeIds: [STORE_A], totalQuantity: 10,
    });
    expect(created.status).toBe(201);
    expect(created.body.merchantId).toBe(A);
    couponA = created.body.couponId;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("refuses another merchant's store id with 409 STORE_ID_TAKEN and leaves the store as it was", async () => {
    const err = expectError(await merchantB.put(`/v1/admin/stores/${STORE_A}`, { name: 'Taken over' }), 409, 'STORE_ID_TAKEN');
    expect(err.details).toEqual([{ field: 'storeId', message: expect.any(String) }]);
    // The owner still renames it; the scan shows the owner's name is not B's.
    expect((await merchantA.put(`/v1/admin/stores/${STORE_A}`, { name: 'A store' })).status).toBe(200);
  });

  it('lets a second merchant use the same sku and GTIN, each priced its own', async () => {
    expect((await merchantB.put(`/v1/admin/stores/${STORE_B}`, { name: 'B store' })).status).toBe(200);
    const milk = await merchantB.put(`/v1/admin/products/${MILK.sku}`, { name: 'B milk', price: 1800, gtin: MILK.gtin, category: 'dairy' });
    expect(milk.body).toMatchObject({ sku: MILK.sku, gtin: `0${MILK.gtin}`, price: 1800, merchantId: B });
    const created = await merchantB.post('/v1/admin/coupons', {
      title: 'B: dairy 3 off', discount: { type: 'AMOUNT_OFF', amount: 300 }, target: { categories: ['dairy'] }, totalQuantity: 10,
    });
    expect(created.status).toBe(201);
    couponB = created.body.couponId;
  });

  it("answers a second merchant's read and change of the first's coupon with 404, exactly as an unknown id", async () => {
    const unknown = 'cpn_does_not_exist';
    const read = await merchantB.get(`/v1/admin/coupons/${couponA}`);
    expectError(read, 404, 'COUPON_NOT_FOUND');
    expect(shape(read, [couponA], 'ID')).toEqual(shape(await merchantB.get(`/v1/admin/coupons/${unknown}`), [unknown], 'ID'));

    const change = await merchantB.patch(`/v1/admin/coupons/${couponA}`, { status: 'PAUSED' });
    expectError(change, 404, 'COUPON_NOT_FOUND');
    expect(shape(change, [couponA], 'ID')).toEqual(shape(await merchantB.patch(`/v1/admin/coupons/${unknown}`, { status: 'PAUSED' }), [unknown], 'ID'));
    // Nothing changed: the owner still sees it ACTIVE.
    expect((await merchantA.get(`/v1/admin/coupons/${couponA}`)).body).toMatchObject({ couponId: couponA, status: 'ACTIVE', merchantId: A });
  });

  it("answers a coupon naming the first merchant's store, or targeting its sku, with 404 naming the field, as unknown ones", async () => {
    const base = { title: 'B: sneaky', discount: { type: 'AMOUNT_OFF', amount: 100 }, totalQuantity: 5 };
    const store = await merchantB.post('/v1/admin/coupons', { ...base, storeIds: [STORE_B, STORE_A] });
    expect(expectError(store, 404, 'STORE_NOT_FOUND').details).toEqual([{ field: 'storeIds[1]', message: `no store ${STORE_A}` }]);
    expect(shape(store, [STORE_A], 'ID')).toEqual(shape(await merchantB.post('/v1/admin/coupons', { ...base, storeIds: [STORE_B, 'ten-nowhere'] }), ['ten-nowhere'], 'ID'));

    const sku = await merchantB.post('/v1/admin/coupons', { ...base, target: { skus: [MILK.sku, A_ONLY] } });
    expect(expectError(sku, 404, 'PRODUCT_NOT_FOUND').details).toEqual([{ field: 'target.skus[1]', message: `no product ${A_ONLY}` }]);
    expect(shape(sku, [A_ONLY], 'ID')).toEqual(shape(await merchantB.post('/v1/admin/coupons', { ...base, target: { skus: [MILK.sku, 'ten-ghost'] } }), ['ten-ghost'], 'ID'));
  });

  it("answers a display naming the first merchant's sku, or set on its store, with 404, as unknown ones", async () => {
    const sku = await merchantB.put(`/v1/admin/stores/${STORE_B}/displays`, { items: [{ sku: A_ONLY, headline: 'Not mine' }] });
    expect(expectError(sku, 404, 'PRODUCT_NOT_FOUND').details).toEqual([{ field: 'items[0].sku', message: `no product ${A_ONLY}` }]);
    const ghost = await merchantB.put(`/v1/admin/stores/${STORE_B}/displays`, { items: [{ sku: 'ten-ghost', headline: 'Not mine' }] });
    expect(shape(sku, [A_ONLY], 'ID')).toEqual(shape(ghost, ['ten-ghost'], 'ID'));

    expectError(await merchantB.put(`/v1/admin/stores/${STORE_A}/displays`, { items: [] }), 404, 'STORE_NOT_FOUND');
    // Its own sku on its own store is fine: the display joins B's product, not A's of the same sku.
    expect((await merchantB.put(`/v1/admin/stores/${STORE_B}/displays`, { items: [{ sku: MILK.sku, headline: 'B milk!' }] })).status).toBe(200);
    expect((await scan(MILK.gtin, STORE_B)).body.displays).toEqual([{ sku: MILK.sku, name: 'B milk', headline: 'B milk!', price: 1800, currency: 'CNY' }]);
  });

  it("a staff token with the merchant's mid sees its coupons; the admin sees and changes every merchant's", async () => {
    const staff = new Api(stack.gatewayUrl, await mintDevToken(stack.gatewayUrl, 'ten-a-staff', ['merchant'], A));
    expect((await staff.get(`/v1/admin/coupons/${couponA}`)).body).toMatchObject({ couponId: couponA, merchantId: A });
    expectError(await staff.get(`/v1/admin/coupons/${couponB}`), 404, 'COUPON_NOT_FOUND');
    expect((await operator.get(`/v1/admin/coupons/${couponA}`)).body).toMatchObject({ merchantId: A });
    expect((await operator.patch(`/v1/admin/coupons/${couponB}`, { status: 'PAUSED' })).body).toMatchObject({ couponId: couponB, merchantId: B, status: 'PAUSED' });
    expect((await operator.patch(`/v1/admin/coupons/${couponB}`, { status: 'ACTIVE' })).body).toMatchObject({ status: 'ACTIVE' });
  });

  it("a scan at a store shows only that store's merchant's product and coupons", async () => {
    const atA = (await scan(MILK.gtin, STORE_A)).body;
    expect(atA.product).toMatchObject({ name: 'A milk', price: 1500, merchantId: A });
    expect(atA.coupons.map((c: { couponId: string; merchantId: string }) => [c.couponId, c.merchantId])).toEqual([[couponA, A]]);
    const atB = (await scan(MILK.gtin, STORE_B)).body;
    expect(atB.product).toMatchObject({ name: 'B milk', price: 1800, merchantId: B });
    expect(atB.coupons.map((c: { couponId: string }) => c.couponId)).toEqual([couponB]);
  });

  it('a scan without a store of a GTIN both merchants carry shows both offers, labelled, with the best offer\'s product', async () => {
    const r = (await scan(MILK.gtin)).body;
    expect(r.storeId).toBeNull();
    // A's coupon is for its store only, so without a store it is still offered (an unknown store excludes nothing).
    expect(r.coupons.map((c: { couponId: string; merchantId: string }) => [c.couponId, c.merchantId])).toEqual([[couponA, A], [couponB, B]]);
    expect(r.best).toMatchObject({ couponId: couponA, merchantId: A });
    expect(r.product).toMatchObject({ name: 'A milk', merchantId: A });
  });

  it("an order at a store is priced with its merchant's products and applies only its merchant's coupons", async () => {
    expect((await shopper.post('/v1/claims', { couponId: couponA })).status).toBe(201);
    const atB = await shopper.post('/v1/orders', { storeId: STORE_B, items: [{ sku: MILK.sku, quantity: 1 }] });
    expect(atB.status).toBe(201);
    expect(atB.body).toMatchObject({ items: [{ sku: MILK.sku, unitPrice: 1800 }], discount: 0, appliedCoupon: null });
    expectError(await shopper.post('/v1/orders', { storeId: STORE_B, items: [{ sku: MILK.sku, quantity: 1 }], couponId: couponA }), 409, 'COUPON_NOT_APPLICABLE');
    const atA = await shopper.post('/v1/orders', { storeId: STORE_A, items: [{ sku: MILK.sku, quantity: 1 }] });
    expect(atA.body).toMatchObject({ items: [{ unitPrice: 1500 }], discount: 200, appliedCoupon: { couponId: couponA } });
    expectError(await shopper.post('/v1/orders', { storeId: STORE_A, items: [{ sku: 'ten-b-nothing', quantity: 1 }] }), 422, 'UNKNOWN_SKU');
  });

  describe('the merchant lists', () => {
    const ids = (res: { body: { items: Array<Record<string, string>> } }, key: string) => res.body.items.map((i) => i[key]);
    /** Every page of a list, following nextCursor. */
    async function allPages(as: Api, path: string, limit: number): Promise<Array<Record<string, any>>> {
      const out: Array<Record<string, any>> = [];
      let cursor: string | null = null;
      for (let n = 0; n < 50; n++) {
        const sep = path.includes('?') ? '&' : '?';
        const res: ApiResponse = await as.get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(limit);
        out.push(...res.body.items);
        cursor = res.body.nextCursor;
        if (!cursor) return out;
      }
      throw new Error('no last page');
    }

    it("lists each merchant's own stores, newest first, page by page; the admin lists every merchant's", async () => {
      for (const n of [1, 2, 3]) expect((await merchantA.put(`/v1/admin/stores/ten-a-extra-${n}`, { name: `A extra ${n}` })).status).toBe(200);
      const stores = await allPages(merchantA, '/v1/admin/stores', 2);
      expect(stores.map((s) => s.storeId)).toEqual(['ten-a-extra-3', 'ten-a-extra-2', 'ten-a-extra-1', STORE_A]);
      expect(stores.every((s) => s.merchantId === A && typeof s.createdAt === 'string')).toBe(true);
      expect(ids(await merchantB.get('/v1/admin/stores'), 'storeId')).toEqual([STORE_B]);
      expect(ids(await merchantA.get('/v1/admin/stores?q=EXTRA%202'), 'storeId')).toEqual(['ten-a-extra-2']);
      const everyone = await allPages(operator, '/v1/admin/stores', 100);
      expect(everyone.map((s) => s.storeId)).toEqual(expect.arrayContaining([STORE_A, STORE_B, 'ten-a-extra-1']));
    });

    it("lists the merchant's products with q over name, sku and GTIN, and category / brand filters", async () => {
      expect((await merchantA.put('/v1/admin/products/ten-a-bread', { name: 'Rye bread', price: 800, category: 'bakery', brand: 'Oven' })).status).toBe(200);
      expect(ids(await merchantA.get('/v1/admin/products'), 'sku')).toEqual(['ten-a-bread', A_ONLY, MILK.sku]);
      expect(ids(await merchantA.get('/v1/admin/products?q=rye'), 'sku')).toEqual(['ten-a-bread']);
      expect(ids(await merchantA.get('/v1/admin/products?q=cheese'), 'sku')).toEqual([A_ONLY]);
      expect(ids(await merchantA.get(`/v1/admin/products?q=${MILK.gtin.slice(3, 9)}`), 'sku')).toEqual([MILK.sku]);
      expect(ids(await merchantA.get('/v1/admin/products?category=bakery'), 'sku')).toEqual(['ten-a-bread']);
      expect(ids(await merchantA.get('/v1/admin/products?brand=Oven&category=dairy'), 'sku')).toEqual([]);
      const bMilk = (await merchantB.get('/v1/admin/products')).body.items;
      expect(bMilk).toEqual([expect.objectContaining({ sku: MILK.sku, merchantId: B, price: 1800 })]);
      expect((await allPages(operator, '/v1/admin/products?q=ten-milk', 1)).map((p) => p.merchantId).sort()).toEqual([A, B]);
    });

    it("lists the merchant's coupons newest first with issued, redeemed and remaining, by status, store and q", async () => {
      const later = await merchantA.post('/v1/admin/coupons', { title: 'A: cheese 5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, target: { skus: [A_ONLY] }, totalQuantity: 3 });
      expect(later.status).toBe(201);
      expect((await merchantA.patch(`/v1/admin/coupons/${later.body.couponId}`, { status: 'PAUSED' })).status).toBe(200);
      // The shopper claimed couponA and spent it at A's store (the order test above); the counts are folded from events.
      const listed = await waitFor(async () => {
        const res = await merchantA.get('/v1/admin/coupons');
        const a = res.body.items?.find((c: { couponId: string }) => c.couponId === couponA);
        return a?.issued === 1 && a?.redeemed === 1 ? res.body : undefined;
      }, 'the coupon list counting the claim and its redemption');
      expect(listed.items.map((c: { couponId: string }) => c.couponId)).toEqual([later.body.couponId, couponA]);
      expect(listed.items[1]).toMatchObject({ couponId: couponA, merchantId: A, totalQuantity: 10, issued: 1, redeemed: 1, remaining: 9, status: 'ACTIVE' });
      expect(listed.items[0]).toMatchObject({ issued: 0, redeemed: 0, remaining: 3, status: 'PAUSED' });
      expect(ids(await merchantA.get('/v1/admin/coupons?status=PAUSED'), 'couponId')).toEqual([later.body.couponId]);
      // Valid in STORE_A: couponA names it, the cheese coupon is valid everywhere; in another store only the cheese one.
      expect(ids(await merchantA.get(`/v1/admin/coupons?storeId=${STORE_A}`), 'couponId')).toEqual([later.body.couponId, couponA]);
      expect(ids(await merchantA.get('/v1/admin/coupons?storeId=ten-a-extra-1'), 'couponId')).toEqual([later.body.couponId]);
      expect(ids(await merchantA.get('/v1/admin/coupons?q=MILK'), 'couponId')).toEqual([couponA]);
      expect(ids(await merchantB.get('/v1/admin/coupons'), 'couponId')).toEqual([couponB]);
      const paged = await allPages(merchantA, '/v1/admin/coupons', 1);
      expect(paged.map((c) => c.couponId)).toEqual([later.body.couponId, couponA]);
    });

    it('refuses a bad limit or cursor with 400 naming the field', async () => {
      for (const q of ['limit=0', 'limit=101', 'limit=two']) expect(detailFields(expectError(await merchantA.get(`/v1/admin/coupons?${q}`), 400))).toContain('limit');
      expect(detailFields(expectError(await merchantA.get('/v1/admin/stores?cursor=not-a-cursor'), 400))).toContain('cursor');
      expect(detailFields(expectError(await merchantA.get('/v1/admin/coupons?status=GONE'), 400))).toContain('status');
    });
  });
});
