import {
  AdminListPage, AdminListQuery, CouponListItemView, ListCouponsQuery, ListProductsQuery, ListStoresQuery, ProductView, StoreView,
  encodeAdminListCursor,
} from '@coupons/contracts';
import { EntityManager, In, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CouponEntity, CouponUsageEntity, ProductEntity, StoreEntity } from './entities';
import { couponListItemView, productView, storeView } from './mappers';

// The merchant lists (GET /v1/admin/stores|products|coupons): newest first by the creating event's time, then id
// desc, so the order is the same on every replay; a page is the rows after the cursor's (created_at, id).

/** A merchant sees its own rows; the platform admin (merchantId null) everyone's. */
function merchantFilter<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, alias: string, merchantId: string | null): SelectQueryBuilder<T> {
  return merchantId === null ? qb : qb.andWhere(`${alias}.merchant_id = :merchantId`, { merchantId });
}

/** `q` as an ILIKE pattern matching it anywhere: its own %, _ and \ match themselves (ESCAPE '\'). */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, '\\$&')}%`;
}

/** One page of a newest-first list; one row more than the page tells whether another page follows. */
async function newestFirstPage<T extends ObjectLiteral & { createdAt: Date }>(
  qb: SelectQueryBuilder<T>, alias: string, idColumn: string, query: AdminListQuery, idOf: (row: T) => string,
): Promise<{ rows: T[]; nextCursor: string | null }> {
  merchantFilter(qb, alias, query.merchantId);
  if (query.afterCreatedAt !== undefined && query.afterId !== undefined) {
    qb.andWhere(`(${alias}.created_at, ${alias}.${idColumn}) < (:afterCreatedAt, :afterId)`, { afterCreatedAt: query.afterCreatedAt, afterId: query.afterId });
  }
  const rows = await qb.orderBy(`${alias}.created_at`, 'DESC').addOrderBy(`${alias}.${idColumn}`, 'DESC').limit(query.limit + 1).getMany();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    rows: page,
    nextCursor: rows.length > query.limit ? encodeAdminListCursor({ createdAt: last.createdAt.toISOString(), id: idOf(last) }) : null,
  };
}

export async function listStores(em: EntityManager, query: ListStoresQuery): Promise<AdminListPage<StoreView>> {
  const qb = em.createQueryBuilder(StoreEntity, 's');
  if (query.q !== undefined) qb.andWhere(`(s.name ILIKE :q ESCAPE '\\' OR s.store_id ILIKE :q ESCAPE '\\')`, { q: containsPattern(query.q) });
  const { rows, nextCursor } = await newestFirstPage(qb, 's', 'store_id', query, (s) => s.storeId);
  return { items: rows.map(storeView), nextCursor };
}

export async function listProducts(em: EntityManager, query: ListProductsQuery): Promise<AdminListPage<ProductView>> {
  const qb = em.createQueryBuilder(ProductEntity, 'p');
  if (query.q !== undefined) {
    qb.andWhere(`(p.name ILIKE :q ESCAPE '\\' OR p.sku ILIKE :q ESCAPE '\\' OR p.gtin ILIKE :q ESCAPE '\\')`, { q: containsPattern(query.q) });
  }
  if (query.category !== undefined) qb.andWhere('p.category = :category', { category: query.category });
  if (query.brand !== undefined) qb.andWhere('p.brand = :brand', { brand: query.brand });
  const { rows, nextCursor } = await newestFirstPage(qb, 'p', 'sku', query, (p) => p.sku);
  return { items: rows.map(productView), nextCursor };
}

export async function listCoupons(em: EntityManager, query: ListCouponsQuery): Promise<AdminListPage<CouponListItemView>> {
  const qb = em.createQueryBuilder(CouponEntity, 'c');
  if (query.status !== undefined) qb.andWhere('c.status = :status', { status: query.status });
  // Valid at the store: coupons naming it and those for every store (no storeIds), as a scan there would offer them.
  if (query.storeId !== undefined) qb.andWhere(`(c.store_ids = '{}' OR :storeId = ANY(c.store_ids))`, { storeId: query.storeId });
  if (query.q !== undefined) qb.andWhere(`(c.title ILIKE :q ESCAPE '\\' OR c.coupon_id ILIKE :q ESCAPE '\\')`, { q: containsPattern(query.q) });
  const { rows, nextCursor } = await newestFirstPage(qb, 'c', 'coupon_id', query, (c) => c.couponId);
  const usage = rows.length ? await em.findBy(CouponUsageEntity, { couponId: In(rows.map((c) => c.couponId)) }) : [];
  const usageOf = new Map(usage.map((u) => [u.couponId, u]));
  return { items: rows.map((c) => couponListItemView(c, usageOf.get(c.couponId) ?? null)), nextCursor };
}
