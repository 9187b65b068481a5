import {
  AdminPage, CouponListItemView, ListCouponsQuery, ListProductsQuery, ListStoresQuery, ProductAdminView, QueryReply, StoreAdminView,
  decodeListCursor, encodeListCursor,
} from '@coupons/contracts';
import { tableName } from '@coupons/messaging';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { CouponEntity, CouponUsageEntity, ProductEntity, StoreEntity } from './entities';
import { couponAdminView } from './mappers';

// The merchant lists of GET /v1/admin/stores|products|coupons: a merchant's own (no merchantId: every merchant's),
// newest first by creation time (entries folded before creation times were recorded last), then by ids descending,
// keyset-paged on that order.

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const badCursor: QueryReply<never> = { ok: false, code: 'INVALID_CURSOR', message: 'cursor must be a nextCursor of this list' };

/**
 * Orders `qb` newest first on (created_at NULLS LAST, ...ids) and keeps what comes after the cursor's key. The ids are
 * column expressions on the alias; the key is [createdAt | null, ...ids] as encodeListCursor wrote it.
 */
function newestFirst<T extends object>(qb: SelectQueryBuilder<T>, createdAt: string, ids: string[], after: [string | null, ...string[]] | null): SelectQueryBuilder<T> {
  qb.orderBy(createdAt, 'DESC', 'NULLS LAST');
  for (const id of ids) qb.addOrderBy(id, 'DESC');
  if (after) {
    const [at, ...keys] = after;
    const params = Object.fromEntries(keys.map((k, i) => [`k${i}`, k]));
    const idsBefore = `(${ids.join(', ')}) < (${keys.map((_, i) => `:k${i}`).join(', ')})`;
    if (at === null) qb.andWhere(`${createdAt} IS NULL AND ${idsBefore}`, params);
    else qb.andWhere(`(${createdAt} < :at OR ${createdAt} IS NULL OR (${createdAt} = :at AND ${idsBefore}))`, { ...params, at });
  }
  return qb;
}

/** One page: limit + 1 rows read, the extra one only says there is a next page. */
function page<R, V>(rows: R[], limit: number, view: (r: R) => V, key: (r: R) => Array<string | null>): AdminPage<V> {
  const kept = rows.slice(0, limit);
  return { items: kept.map(view), nextCursor: rows.length > limit ? encodeListCursor(key(kept[kept.length - 1])) : null };
}

export async function listStores(em: EntityManager, q: ListStoresQuery): Promise<QueryReply<AdminPage<StoreAdminView>>> {
  const after = q.cursor === undefined ? null : decodeListCursor(q.cursor, 1);
  if (q.cursor !== undefined && !after) return badCursor;
  const qb = em.createQueryBuilder(StoreEntity, 's');
  if (q.merchantId !== undefined) qb.andWhere('s.merchant_id = :m', { m: q.merchantId });
  if (q.q !== undefined) qb.andWhere(`(s.name ILIKE :q OR s.store_id ILIKE :q)`, { q: like(q.q) });
  const rows = await newestFirst(qb, 's.created_at', ['s.store_id'], after).limit(q.limit + 1).getMany();
  return {
    ok: true,
    value: page(rows, q.limit, (s) => ({ storeId: s.storeId, merchantId: s.merchantId, name: s.name, createdAt: iso(s.createdAt) }), (s) => [iso(s.createdAt), s.storeId]),
  };
}

export async function listProducts(em: EntityManager, q: ListProductsQuery): Promise<QueryReply<AdminPage<ProductAdminView>>> {
  const after = q.cursor === undefined ? null : decodeListCursor(q.cursor, 2);
  if (q.cursor !== undefined && !after) return badCursor;
  const qb = em.createQueryBuilder(ProductEntity, 'p');
  if (q.merchantId !== undefined) qb.andWhere('p.merchant_id = :m', { m: q.merchantId });
  if (q.q !== undefined) qb.andWhere(`(p.name ILIKE :q OR p.sku ILIKE :q OR p.gtin ILIKE :q)`, { q: like(q.q) });
  if (q.category !== undefined) qb.andWhere('p.category = :category', { category: q.category });
  if (q.brand !== undefined) qb.andWhere('p.brand = :brand', { brand: q.brand });
  const rows = await newestFirst(qb, 'p.created_at', ['p.merchant_id', 'p.sku'], after).limit(q.limit + 1).getMany();
  return {
    ok: true,
    value: page(rows, q.limit, (p) => ({
      sku: p.sku, merchantId: p.merchantId, name: p.name, price: p.price, currency: p.currency, gtin: p.gtin, category: p.category, brand: p.brand,
      createdAt: iso(p.createdAt),
    }), (p) => [iso(p.createdAt), p.merchantId, p.sku]),
  };
}

export async function listCoupons(em: EntityManager, q: ListCouponsQuery): Promise<QueryReply<AdminPage<CouponListItemView>>> {
  const after = q.cursor === undefined ? null : decodeListCursor(q.cursor, 1);
  if (q.cursor !== undefined && !after) return badCursor;
  const qb = em.createQueryBuilder(CouponEntity, 'c');
  if (q.merchantId !== undefined) qb.andWhere('c.merchant_id = :m', { m: q.merchantId });
  if (q.status !== undefined) qb.andWhere('c.status = :status', { status: q.status });
  if (q.storeId !== undefined) qb.andWhere(`(c.store_ids = '{}' OR :storeId = ANY(c.store_ids))`, { storeId: q.storeId });
  if (q.q !== undefined) qb.andWhere(`(c.title ILIKE :q OR c.coupon_id ILIKE :q)`, { q: like(q.q) });
  const rows = await newestFirst(qb, 'c.created_at', ['c.coupon_id'], after).limit(q.limit + 1).getMany();
  const ids = rows.slice(0, q.limit).map((c) => c.couponId);
  const usage: CouponUsageEntity[] = ids.length
    ? await em.query(`SELECT coupon_id AS "couponId", issued, redeemed FROM ${tableName(em, CouponUsageEntity)} WHERE coupon_id = ANY($1::text[])`, [ids])
    : [];
  const byId = new Map(usage.map((u) => [u.couponId, u]));
  return {
    ok: true,
    value: page(rows, q.limit, (c) => {
      const view = couponAdminView(c, byId.get(c.couponId) ?? null);
      return { ...view, remaining: Math.max(0, view.totalQuantity - view.issued) };
    }, (c) => [c.createdAt.toISOString(), c.couponId]),
  };
}
