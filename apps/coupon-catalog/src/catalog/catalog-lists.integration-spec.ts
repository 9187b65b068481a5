import {
  AdminListPage, AdminListQuery, CatalogEventTypes, CouponCreated, DEFAULT_MERCHANT_ID, Envelope, ListCouponsQuery, ListProductsQuery, ProductUpserted,
  StoreUpserted, WalletEventTypes, envelope,
} from '@coupons/contracts';
import { decodeWithUpcasters } from '@coupons/messaging';
import { runMigrationsWithLock } from '@coupons/service-kit';
import { createTestDatabase } from '@coupons/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { catalogDataSourceOptions } from '../database/data-source';
import { CATALOG_MIGRATIONS } from '../migrations';
import { catalogProjection } from './catalog.projection';
import { listCoupons, listProducts, listStores } from './catalog-lists';

jest.setTimeout(60_000);

// The merchant lists' SQL on real PostgreSQL, over rows folded from events the way the service and the replay fold them.

let url: string;
let db: DataSource;
const BASE = Date.parse('2026-11-01T00:00:00.000Z');
const M = 'm-lists';
/** Three rows share each second, so the id tie-break is exercised on every page boundary. */
const at = (i: number) => new Date(BASE + Math.floor(i / 3) * 1000).toISOString();

function event<T>(type: string, aggregateId: string, payload: T, occurredAt: string): Envelope<T> {
  return envelope(type, payload, { aggregateId, correlationId: randomUUID(), causationId: randomUUID(), occurredAt });
}

async function fold(events: Envelope[]): Promise<void> {
  await db.transaction((em) => catalogProjection.applyMany(em, events));
}

const coupon = (id: string, over: Partial<CouponCreated> = {}): CouponCreated => ({
  merchantId: M, couponId: id, title: id, discount: { type: 'AMOUNT_OFF', amount: 100 }, minSpend: 0, target: {}, storeIds: [], totalQuantity: 10, perUserLimit: 1,
  priority: 0, status: 'ACTIVE', createdAt: BASE_ISO, ...over,
});
const BASE_ISO = new Date(BASE).toISOString();

/** Every page from the first, following nextCursor's sort key (the gateway decodes it into afterCreatedAt/afterId). */
async function allPages<Q extends AdminListQuery, T>(list: (q: Q) => Promise<AdminListPage<T>>, query: Q): Promise<T[][]> {
  const pages: T[][] = [];
  let after: Pick<AdminListQuery, 'afterCreatedAt' | 'afterId'> = {};
  for (;;) {
    const page = await list({ ...query, ...after });
    pages.push(page.items);
    if (!page.nextCursor) return pages;
    const [afterCreatedAt, afterId] = JSON.parse(Buffer.from(page.nextCursor, 'base64url').toString()) as [string, string];
    after = { afterCreatedAt, afterId };
  }
}

const byNewest = <T extends { createdAt: string }>(id: (r: T) => string) => (a: T, b: T) =>
  b.createdAt.localeCompare(a.createdAt) || (id(b) < id(a) ? -1 : id(b) > id(a) ? 1 : 0);

beforeAll(async () => {
  url = await createTestDatabase(process.env.TEST_DATABASE_URL!, 'catalog_lists');
  db = new DataSource(catalogDataSourceOptions({ DATABASE_URL: url }));
  await db.initialize();
  await runMigrationsWithLock(db);
});

afterAll(async () => {
  await db?.destroy();
});

describe('merchant lists', () => {
  it('page 250 stores with limit 100 into every store once, newest first, ids descending within a time', async () => {
    // Folded in a shuffled order: the position comes from the events' times, not from the order rows arrived in.
    const stores = Array.from({ length: 250 }, (_, i) => ({ storeId: `st-${String(i).padStart(3, '0')}`, i }));
    const shuffled = [...stores].sort((a, b) => ((a.i * 7919) % 250) - ((b.i * 7919) % 250));
    await fold(shuffled.map(({ storeId, i }) => event<StoreUpserted>(CatalogEventTypes.storeUpserted, storeId, { merchantId: M, storeId, name: `Store ${i}` }, at(i))));
    // A later rename keeps the store's place: created_at is its first upsert's time.
    await fold([event<StoreUpserted>(CatalogEventTypes.storeUpserted, 'st-000', { merchantId: M, storeId: 'st-000', name: 'Renamed' }, at(999))]);

    const pages = await allPages((q) => listStores(db.manager, q), { merchantId: null, limit: 100 });
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    const rows = pages.flat();
    expect(new Set(rows.map((s) => s.storeId)).size).toBe(250);
    expect(rows).toEqual([...rows].sort(byNewest((s) => s.storeId)));
    expect(rows[0]).toEqual({ storeId: 'st-249', merchantId: M, name: 'Store 249', createdAt: at(249) });
    expect(rows[1].storeId).toBe('st-248'); // same second as st-249: id desc
    expect(rows[249]).toEqual({ storeId: 'st-000', merchantId: M, name: 'Renamed', createdAt: at(0) });

    // A page that ends exactly at the last row says so.
    const exact = await allPages((q) => listStores(db.manager, q), { merchantId: null, limit: 125 });
    expect(exact.map((p) => p.length)).toEqual([125, 125]);
  });

  it('filter products by q over name, sku and gtin (case-insensitive; %, _ and \\ match only themselves), category and brand', async () => {
    const products: Array<[string, string, string | null, string | null, string | null]> = [
      ['p-cola', 'Cola 330 ml', '06901234567892', 'drinks', 'Fizz'],
      ['p-half', '50% off bundle', null, 'deals', null],
      ['p-snake', 'snake_case tea', null, 'drinks', 'Leaf'],
      ['p-slash', 'back\\slash', null, null, null],
      ['p-plain', 'Plain water 500 ml', '00000000000017', 'drinks', 'Leaf'],
      ['COLA-2', 'Diet', null, 'drinks', 'Fizz'],
    ];
    await fold(products.map(([sku, name, gtin, category, brand], i) =>
      event<ProductUpserted>(CatalogEventTypes.productUpserted, sku, { merchantId: M, sku, name, price: 100 + i, currency: 'CNY', gtin, category, brand }, at(i))));
    const skus = async (filters: Partial<ListProductsQuery>) =>
      (await listProducts(db.manager, { merchantId: null, limit: 100, ...filters })).items.map((p) => p.sku);

    expect(await skus({})).toEqual(['p-slash', 'p-plain', 'COLA-2', 'p-snake', 'p-half', 'p-cola']);
    expect(await skus({ q: 'cola' })).toEqual(['COLA-2', 'p-cola']); // sku COLA-2, name Cola
    expect(await skus({ q: '6901234567892' })).toEqual(['p-cola']); // a GTIN-13 inside the stored GTIN-14
    expect(await skus({ q: '%' })).toEqual(['p-half']);
    expect(await skus({ q: '0%' })).toEqual(['p-half']);
    expect(await skus({ q: '_' })).toEqual(['p-snake']);
    expect(await skus({ q: 'e_c' })).toEqual(['p-snake']);
    expect(await skus({ q: '\\' })).toEqual(['p-slash']);
    expect(await skus({ q: 'nothing like it' })).toEqual([]);
    expect(await skus({ category: 'drinks' })).toEqual(['p-plain', 'COLA-2', 'p-snake', 'p-cola']);
    expect(await skus({ category: 'drinks', brand: 'Leaf' })).toEqual(['p-plain', 'p-snake']);
    expect(await skus({ q: 'ml', brand: 'Fizz' })).toEqual(['p-cola']);

    const cola = (await listProducts(db.manager, { merchantId: null, limit: 1, q: 'p-cola' })).items[0];
    expect(cola).toEqual({ merchantId: M, sku: 'p-cola', name: 'Cola 330 ml', price: 100, currency: 'CNY', gtin: '06901234567892', category: 'drinks', brand: 'Fizz', createdAt: at(0) });
  });

  it('filter coupons by status, store and q, each with issued, redeemed and remaining', async () => {
    await fold([
      event(CatalogEventTypes.couponCreated, 'c-all', coupon('c-all', { title: 'Everywhere 10%', createdAt: at(0) }), at(0)),
      event(CatalogEventTypes.couponCreated, 'c-st1', coupon('c-st1', { title: 'Store one only', storeIds: ['st-1'], createdAt: at(3) }), at(3)),
      event(CatalogEventTypes.couponCreated, 'c-st2', coupon('c-st2', { title: 'Store two only', storeIds: ['st-2'], totalQuantity: 2, createdAt: at(6) }), at(6)),
      event(CatalogEventTypes.couponStatusChanged, 'c-st2', { couponId: 'c-st2', status: 'PAUSED' }, at(7)),
      // Counters are folded from the wallet's and ordering's events; three claims of a stock of two shows 0 left, not -1.
      ...['c-st2', 'c-st2', 'c-st2', 'c-all'].map((couponId) => event(WalletEventTypes.couponClaimed, couponId, { couponId }, at(8))),
    ]);
    const ids = async (filters: Partial<ListCouponsQuery>) =>
      (await listCoupons(db.manager, { merchantId: null, limit: 100, ...filters })).items.map((c) => c.couponId);

    expect(await ids({})).toEqual(['c-st2', 'c-st1', 'c-all']);
    expect(await ids({ status: 'PAUSED' })).toEqual(['c-st2']);
    expect(await ids({ status: 'ACTIVE' })).toEqual(['c-st1', 'c-all']);
    expect(await ids({ storeId: 'st-1' })).toEqual(['c-st1', 'c-all']); // naming it, or every store
    expect(await ids({ storeId: 'st-9' })).toEqual(['c-all']);
    expect(await ids({ q: 'ONLY' })).toEqual(['c-st2', 'c-st1']);
    expect(await ids({ q: '10%' })).toEqual(['c-all']);
    expect(await ids({ q: 'c-st1' })).toEqual(['c-st1']);
    expect(await ids({ q: 'only', status: 'ACTIVE', storeId: 'st-1' })).toEqual(['c-st1']);

    const { items } = await listCoupons(db.manager, { merchantId: null, limit: 100 });
    expect(items.map(({ couponId, issued, redeemed, remaining, status }) => ({ couponId, issued, redeemed, remaining, status }))).toEqual([
      { couponId: 'c-st2', issued: 3, redeemed: 0, remaining: 0, status: 'PAUSED' },
      { couponId: 'c-st1', issued: 0, redeemed: 0, remaining: 10, status: 'ACTIVE' },
      { couponId: 'c-all', issued: 1, redeemed: 0, remaining: 9, status: 'ACTIVE' },
    ]);
    expect(items[2]).toMatchObject({ title: 'Everywhere 10%', totalQuantity: 10, createdAt: at(0) });

    const first = await listCoupons(db.manager, { merchantId: null, limit: 2 });
    expect(first.items.map((c) => c.couponId)).toEqual(['c-st2', 'c-st1']);
    const [afterCreatedAt, afterId] = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString()) as [string, string];
    expect(await listCoupons(db.manager, { merchantId: null, limit: 2, afterCreatedAt, afterId })).toMatchObject({ items: [{ couponId: 'c-all' }], nextCursor: null });
  });
});

describe('the creation-times migration', () => {
  it('gives stores and products folded before it the time of their first upsert, as a replay of their events does', async () => {
    const before = new DataSource({ ...catalogDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'catalog_before' }), migrations: CATALOG_MIGRATIONS.slice(0, 2) });
    await before.initialize();
    // Events as the version before tenancy wrote them (no merchantId); a replay reads them through the upcasters.
    const events: Envelope[] = [
      event(CatalogEventTypes.storeUpserted, 'old-st', { storeId: 'old-st', name: 'First' }, '2026-01-01T00:00:00.000Z'),
      event(CatalogEventTypes.storeUpserted, 'old-st', { storeId: 'old-st', name: 'Second' }, '2026-02-01T00:00:00.000Z'),
      event(CatalogEventTypes.productUpserted, 'old-sku',
        { sku: 'old-sku', name: 'Tea', price: 100, currency: 'CNY', gtin: null, category: null, brand: null }, '2026-01-15T00:00:00.000Z'),
    ];
    try {
      expect(await runMigrationsWithLock(before)).toHaveLength(2);
      // What the version before this change folded: the rows without created_at, and each event as its command's outcome.
      await before.query(`INSERT INTO store (store_id, name) VALUES ('old-st', 'Second'), ('no-outcome', 'Orphan')`);
      await before.query(`INSERT INTO product (sku, name, price, currency) VALUES ('old-sku', 'Tea', 100, 'CNY')`);
      for (const e of events) await before.query(`INSERT INTO command_outcome (command_id, outcome) VALUES ($1, $2)`, [e.causationId, JSON.stringify(e)]);
    } finally {
      await before.destroy();
    }

    const after = new DataSource(catalogDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'catalog_before' }));
    await after.initialize();
    try {
      expect(await runMigrationsWithLock(after)).toEqual(CATALOG_MIGRATIONS.slice(2).map((m) => m.name));
      const stores = await listStores(after.manager, { merchantId: null, limit: 10 });
      expect(stores.items).toEqual([
        { storeId: 'old-st', merchantId: DEFAULT_MERCHANT_ID, name: 'Second', createdAt: '2026-01-01T00:00:00.000Z' },
        { storeId: 'no-outcome', merchantId: DEFAULT_MERCHANT_ID, name: 'Orphan', createdAt: '1970-01-01T00:00:00.000Z' },
      ]);
      expect((await listProducts(after.manager, { merchantId: null, limit: 10 })).items).toMatchObject([{ sku: 'old-sku', createdAt: '2026-01-15T00:00:00.000Z' }]);
    } finally {
      await after.destroy();
    }

    // The same events replayed into an empty schema give the same times.
    const replayed = new DataSource(catalogDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'catalog_replayed' }));
    await replayed.initialize();
    try {
      await runMigrationsWithLock(replayed);
      const upcast = events.map((e) => {
        const decoded = decodeWithUpcasters(JSON.stringify(e));
        if (!decoded.ok) throw new Error(decoded.reason);
        return decoded.envelope;
      });
      await replayed.transaction((em) => catalogProjection.applyMany(em, upcast));
      expect((await listStores(replayed.manager, { merchantId: null, limit: 10 })).items).toEqual([
        { storeId: 'old-st', merchantId: DEFAULT_MERCHANT_ID, name: 'Second', createdAt: '2026-01-01T00:00:00.000Z' },
      ]);
      expect((await listProducts(replayed.manager, { merchantId: null, limit: 10 })).items).toMatchObject([{ sku: 'old-sku', createdAt: '2026-01-15T00:00:00.000Z' }]);
    } finally {
      await replayed.destroy();
    }
  });
});
