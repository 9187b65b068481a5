import {
  CouponAdminView, CouponCreated, CouponListItemView, CouponTargetView, DEFAULT_COUPON_TIME_ZONE, DiscountSpec, ProductUpserted, ProductView, StoreUpserted,
  StoreView,
} from '@coupons/contracts';
import { normalizeTarget, plainDiscount } from '@coupons/coupon-rules';
import { CouponEntity, CouponUsageEntity, ProductEntity, StoreEntity } from './entities';

// Explicit mapping between events, entities and views: none of them is another's type. The target and discount
// normalizations are the scan engine's (libs/coupon-rules), so both store a coupon the same way.

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const dateOrNull = (s: string | null | undefined): Date | null => (s ? new Date(s) : null);

export function couponEntityFromCreated(p: CouponCreated): CouponEntity {
  const target = normalizeTarget(p.target);
  return Object.assign(new CouponEntity(), {
    couponId: p.couponId,
    merchantId: p.merchantId,
    title: p.title,
    discount: plainDiscount(p.discount) as unknown as Record<string, unknown>,
    minSpend: p.minSpend,
    target: target as Record<string, unknown>,
    targetSkus: target.skus ?? [],
    targetCategories: target.categories ?? [],
    targetBrands: target.brands ?? [],
    storeIds: [...p.storeIds],
    totalQuantity: p.totalQuantity,
    perUserLimit: p.perUserLimit,
    claimableFrom: dateOrNull(p.claimableFrom),
    claimableUntil: dateOrNull(p.claimableUntil),
    validDaysAfterClaim: p.validDaysAfterClaim ?? null,
    validUntil: dateOrNull(p.validUntil),
    priority: p.priority,
    dailyQuantity: p.dailyQuantity ?? null,
    perUserDailyLimit: p.perUserDailyLimit ?? null,
    timeZone: p.timeZone ?? null,
    status: p.status,
    createdAt: new Date(p.createdAt),
  });
}

/** The CouponCreated payload of a stored coupon: what a repeated CreateCoupon answers with. */
export function couponCreatedFromEntity(c: CouponEntity): CouponCreated {
  return {
    merchantId: c.merchantId,
    couponId: c.couponId,
    title: c.title,
    discount: c.discount as unknown as DiscountSpec,
    minSpend: c.minSpend,
    target: c.target as CouponTargetView,
    storeIds: c.storeIds,
    totalQuantity: c.totalQuantity,
    perUserLimit: c.perUserLimit,
    claimableFrom: iso(c.claimableFrom),
    claimableUntil: iso(c.claimableUntil),
    validDaysAfterClaim: c.validDaysAfterClaim,
    validUntil: iso(c.validUntil),
    priority: c.priority,
    dailyQuantity: c.dailyQuantity,
    perUserDailyLimit: c.perUserDailyLimit,
    // A coupon created before time zones answers as it was created: without one (it reads as the default).
    ...(c.timeZone !== null ? { timeZone: c.timeZone } : {}),
    // Coupons are created ACTIVE; a later status change is its own event and does not alter the creation outcome.
    status: 'ACTIVE',
    createdAt: c.createdAt.toISOString(),
  };
}

/** `createdAt`: the event's occurredAt; the projection keeps the first one (see upsertKeepingCreatedAt). */
export function productEntityFromEvent(p: ProductUpserted, createdAt: Date): ProductEntity {
  return Object.assign(new ProductEntity(), {
    merchantId: p.merchantId,
    sku: p.sku,
    gtin: p.gtin ?? null,
    name: p.name,
    price: p.price,
    currency: p.currency,
    category: p.category ?? null,
    brand: p.brand ?? null,
    createdAt,
  });
}

export function storeEntityFromEvent(p: StoreUpserted, createdAt: Date): StoreEntity {
  return Object.assign(new StoreEntity(), { storeId: p.storeId, merchantId: p.merchantId, name: p.name, createdAt });
}

export function storeView(s: StoreEntity): StoreView {
  return { storeId: s.storeId, merchantId: s.merchantId, name: s.name, createdAt: s.createdAt.toISOString() };
}

export function productView(p: ProductEntity): ProductView {
  return {
    merchantId: p.merchantId, sku: p.sku, name: p.name, price: p.price, currency: p.currency, gtin: p.gtin, category: p.category, brand: p.brand,
    createdAt: p.createdAt.toISOString(),
  };
}

/** A coupon's counters, and the wallet's stock terms when they changed since creation. */
type CouponUsage = Pick<CouponUsageEntity, 'issued' | 'redeemed'> & Partial<Pick<CouponUsageEntity, 'totalQuantity' | 'perUserLimit'>>;

export function couponAdminView(c: CouponEntity, usage: CouponUsage | null): CouponAdminView {
  return {
    couponId: c.couponId,
    merchantId: c.merchantId,
    title: c.title,
    discount: c.discount as unknown as DiscountSpec,
    minSpend: c.minSpend,
    target: c.target as CouponTargetView,
    storeIds: c.storeIds,
    totalQuantity: usage?.totalQuantity ?? c.totalQuantity,
    perUserLimit: usage?.perUserLimit ?? c.perUserLimit,
    claimableFrom: iso(c.claimableFrom),
    claimableUntil: iso(c.claimableUntil),
    validDaysAfterClaim: c.validDaysAfterClaim,
    validUntil: iso(c.validUntil),
    priority: c.priority,
    dailyQuantity: c.dailyQuantity,
    perUserDailyLimit: c.perUserDailyLimit,
    timeZone: c.timeZone ?? DEFAULT_COUPON_TIME_ZONE,
    status: c.status,
    issued: usage?.issued ?? 0,
    redeemed: usage?.redeemed ?? 0,
    createdAt: c.createdAt.toISOString(),
  };
}

/** A coupon in a merchant's list: what is left to claim never shows below 0 (issued may pass a lowered total). */
export function couponListItemView(c: CouponEntity, usage: CouponUsage | null): CouponListItemView {
  const view = couponAdminView(c, usage);
  return { ...view, remaining: Math.max(0, view.totalQuantity - view.issued) };
}
