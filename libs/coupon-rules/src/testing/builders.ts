// Test data builders for the specs of this library (not exported from the package).
import { ClaimedCoupon, CouponDefinition, OrderLine, ProductInfo } from '../coupon';

export const T0 = Date.UTC(2026, 0, 1);
export const HOUR = 3_600_000;

/** A whole-order, every-store, ACTIVE 5-yuan-off coupon with plenty of stock, open claim window. */
export function aCoupon(overrides: Partial<CouponDefinition> = {}): CouponDefinition {
  return {
    couponId: 'c-default',
    title: 'Default',
    discount: { type: 'AMOUNT_OFF', amount: 500 },
    minSpend: 0,
    target: {},
    storeIds: [],
    totalQuantity: 100,
    perUserLimit: 1,
    priority: 0,
    status: 'ACTIVE',
    ...overrides,
  };
}

export function aProduct(overrides: Partial<ProductInfo> = {}): ProductInfo {
  return { sku: 'SKU-MILK', gtin: '09506000134352', name: 'Milk', price: 2000, currency: 'CNY', category: 'dairy', brand: 'acme', ...overrides };
}

export function aLine(overrides: Partial<OrderLine> = {}): OrderLine {
  return { sku: 'SKU-MILK', quantity: 1, unitPrice: 2000, category: 'dairy', brand: 'acme', ...overrides };
}

export function aClaim(overrides: Partial<ClaimedCoupon> = {}, coupon: Partial<ClaimedCoupon['coupon']> = {}): ClaimedCoupon {
  return {
    claimId: 'cl-default',
    couponId: 'c-default',
    claimedAt: T0,
    validUntil: T0 + 24 * HOUR,
    status: 'AVAILABLE',
    ...overrides,
    coupon: { discount: { type: 'AMOUNT_OFF', amount: 500 }, minSpend: 0, target: {}, storeIds: [], ...coupon },
  };
}
