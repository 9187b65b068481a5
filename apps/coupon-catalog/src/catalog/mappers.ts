import { CouponAdminView, CouponCreated, CouponTargetView, DiscountSpec, OfferView, ProductUpserted, ScanResult } from '@coupons/contracts';
import { CouponDefinition, Offer, ProductInfo } from '@coupons/coupon-rules';
import { CouponEntity, CouponUsageEntity, ProductEntity } from './entities';

// Explicit mapping between events, entities, rule inputs and views: none of them is another's type.

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const dateOrNull = (s: string | null | undefined): Date | null => (s ? new Date(s) : null);
const epochOrNull = (d: Date | null): number | null => (d ? d.getTime() : null);

/** The target as given, without absent lists; an empty object means the whole order. */
function normalizeTarget(t: { skus?: string[]; categories?: string[]; brands?: string[] } | undefined | null): CouponTargetView {
  const out: CouponTargetView = {};
  if (t?.skus) out.skus = [...t.skus];
  if (t?.categories) out.categories = [...t.categories];
  if (t?.brands) out.brands = [...t.brands];
  return out;
}

/** The discount as a plain object (the event payload holds a class instance after validation). */
function plainDiscount(d: DiscountSpec): DiscountSpec {
  return d.type === 'AMOUNT_OFF'
    ? { type: 'AMOUNT_OFF', amount: d.amount }
    : { type: 'PERCENT_OFF', percent: d.percent, ...(d.maxDiscount !== undefined && d.maxDiscount !== null ? { maxDiscount: d.maxDiscount } : {}) };
}

export function couponEntityFromCreated(p: CouponCreated): CouponEntity {
  const target = normalizeTarget(p.target);
  return Object.assign(new CouponEntity(), {
    couponId: p.couponId,
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
    sku: p.sku,
    gtin: p.gtin ?? null,
    name: p.name,
    price: p.price,
    currency: p.currency,
    category: p.category ?? null,
    brand: p.brand ?? null,
  });
}

export function productInfo(p: ProductEntity): ProductInfo {
  return { sku: p.sku, gtin: p.gtin, name: p.name, price: p.price, currency: p.currency, category: p.category, brand: p.brand };
}

export function scanProductView(p: ProductEntity): NonNullable<ScanResult['product']> {
  return { sku: p.sku, gtin: p.gtin, name: p.name, price: p.price, currency: p.currency };
}

export function couponDefinition(c: CouponEntity): CouponDefinition {
  return {
    couponId: c.couponId,
    title: c.title,
    discount: c.discount as unknown as DiscountSpec,
    minSpend: c.minSpend,
    target: c.target as CouponTargetView,
    storeIds: c.storeIds,
    totalQuantity: c.totalQuantity,
    perUserLimit: c.perUserLimit,
    claimableFrom: epochOrNull(c.claimableFrom),
    claimableUntil: epochOrNull(c.claimableUntil),
    validDaysAfterClaim: c.validDaysAfterClaim,
    validUntil: epochOrNull(c.validUntil),
    priority: c.priority,
    status: c.status,
  };
}

export function offerView(o: Offer): OfferView {
  return {
    couponId: o.couponId,
    title: o.title,
    discount: o.discount as DiscountSpec,
    minSpend: o.minSpend,
    target: o.target as CouponTargetView,
    storeIds: [...o.storeIds],
    claimableUntil: o.claimableUntil === null ? null : new Date(o.claimableUntil).toISOString(),
    remaining: o.remaining,
    matchScore: o.matchScore,
  };
}

export function couponAdminView(c: CouponEntity, usage: Pick<CouponUsageEntity, 'issued' | 'redeemed'> | null): CouponAdminView {
  return {
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
    status: c.status,
    issued: usage?.issued ?? 0,
    redeemed: usage?.redeemed ?? 0,
    createdAt: c.createdAt.toISOString(),
  };
}
