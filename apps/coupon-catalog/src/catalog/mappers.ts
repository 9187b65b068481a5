import { CouponAdminView, CouponCreated, CouponTargetView, DiscountSpec, ProductUpserted } from '@coupons/contracts';
import { normalizeTarget, plainDiscount } from '@coupons/coupon-rules';
import { CouponEntity, CouponUsageEntity, ProductEntity } from './entities';

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
    // Coupons are created ACTIVE; a later status change is its own event and does not alter the creation outcome.
    status: 'ACTIVE',
    createdAt: c.createdAt.toISOString(),
  };
}

export function productEntityFromEvent(p: ProductUpserted): ProductEntity {
  return Object.assign(new ProductEntity(), {
    merchantId: p.merchantId,
    sku: p.sku,
    gtin: p.gtin ?? null,
    name: p.name,
    price: p.price,
    currency: p.currency,
    category: p.category ?? null,
    brand: p.brand ?? null,
    createdAt: p.upsertedAt ? new Date(p.upsertedAt) : null,
  });
}

export function couponAdminView(c: CouponEntity, usage: Pick<CouponUsageEntity, 'issued' | 'redeemed'> | null): CouponAdminView {
  return {
    couponId: c.couponId,
    merchantId: c.merchantId,
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
    status: c.status,
    issued: usage?.issued ?? 0,
    redeemed: usage?.redeemed ?? 0,
    createdAt: c.createdAt.toISOString(),
  };
}
