import { tableName } from '@coupons/messaging';
import { EntityManager, In } from 'typeorm';
import { OrderingState, StoredOrder, UserClaim } from './decisions';
import {
  CouponTermsEntity, CustomerOrderEntity, OrderLineEntity, ProductEntity, RedemptionEntity, StoreEntity, UserClaimEntity,
} from './entities';

/** A claim with its coupon's terms and redemption, as {@link claimsQuery} reads it. */
export interface ClaimRow {
  claim_id: string;
  user_id: string;
  coupon_id: string;
  title: string;
  claimed_at: Date;
  valid_until: Date | null;
  redeemed_by: string | null;
  discount: CouponTermsEntity['discount'] | null;
  min_spend: string | null;
  target: CouponTermsEntity['target'] | null;
  store_ids: string[] | null;
  coupon_merchant_id: string | null;
  has_terms: boolean;
}

export function claimFromRow(r: ClaimRow): UserClaim {
  return {
    claimId: r.claim_id,
    couponId: r.coupon_id,
    title: r.title,
    claimedAt: new Date(r.claimed_at).getTime(),
    validUntil: r.valid_until === null ? null : new Date(r.valid_until).getTime(),
    status: r.redeemed_by === null ? 'AVAILABLE' : 'REDEEMED',
    couponMerchantId: r.coupon_merchant_id,
    coupon: r.has_terms ? { discount: r.discount!, minSpend: Number(r.min_spend), target: r.target, storeIds: r.store_ids } : null,
  };
}

/**
 * The claims matching `where` (on alias c), each with its coupon's terms and active redemption, by user then claim id.
 * The terms and the redemption are looked up per claim by primary key (a LIMITed lateral subquery and a scalar one are
 * never turned into joins): as plain joins, PostgreSQL hashed the whole redemption and coupon_terms tables for the few
 * claims of a run of orders, a cost that grew with every order ever placed (1.3 ms per run at 3,000 redemptions).
 */
export function claimsQuery(em: EntityManager, where: string): string {
  return `SELECT c.claim_id, c.user_id, c.coupon_id, c.title, c.claimed_at, c.valid_until,
                 (SELECT r.order_id FROM ${tableName(em, RedemptionEntity)} r WHERE r.claim_id = c.claim_id) AS redeemed_by,
                 t.discount, t.min_spend, t.target, t.store_ids, t.merchant_id AS coupon_merchant_id, t.coupon_id IS NOT NULL AS has_terms
            FROM ${tableName(em, UserClaimEntity)} c
            LEFT JOIN LATERAL (SELECT * FROM ${tableName(em, CouponTermsEntity)} t WHERE t.coupon_id = c.coupon_id LIMIT 1) t ON true
           WHERE ${where}
           ORDER BY c.user_id, c.claim_id`;
}

/** OrderingState read inside the deciding transaction. */
export function orderingStateOf(em: EntityManager): OrderingState {
  const claims = async (where: string, param: string): Promise<UserClaim[]> => {
    const rows: ClaimRow[] = await em.query(claimsQuery(em, `${where} = $1`), [param]);
    return rows.map(claimFromRow);
  };
  return {
    storeMerchant: async (storeId) => (await em.findOne(StoreEntity, { where: { storeId }, select: { merchantId: true } }))?.merchantId ?? null,
    products: async (merchantId, skus) => {
      const unique = [...new Set(skus)];
      const found = unique.length ? await em.findBy(ProductEntity, { merchantId, sku: In(unique) }) : [];
      return new Map(found.map((p) => [p.sku, { sku: p.sku, price: p.price, currency: p.currency, category: p.category, brand: p.brand }]));
    },
    order: async (orderId, forUpdate) => {
      const o = await em.findOne(CustomerOrderEntity, { where: { orderId }, ...(forUpdate ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
      if (!o) return null;
      const lines = await em.find(OrderLineEntity, { where: { orderId }, order: { lineNo: 'ASC' } });
      const stored: StoredOrder = {
        orderId: o.orderId, userId: o.userId, storeId: o.storeId, status: o.status,
        items: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, lineTotal: l.lineTotal })),
        subtotal: o.subtotal, discount: o.discount, total: o.total, currency: o.currency,
        appliedCoupon: o.appliedClaimId && o.appliedCouponId ? { claimId: o.appliedClaimId, couponId: o.appliedCouponId, title: o.appliedTitle ?? '' } : null,
        processedAt: o.processedAt.toISOString(),
      };
      return stored;
    },
    claimsOf: (userId) => claims('c.user_id', userId),
    claim: async (claimId) => (await claims('c.claim_id', claimId))[0] ?? null,
    redeemedBy: async (claimId) => (await em.findOneBy(RedemptionEntity, { claimId }))?.orderId ?? null,
  };
}
