import { tableName } from '@coupons/messaging';
import { EntityManager } from 'typeorm';
import { ClaimState } from './decisions';
import { ClaimEntity, CouponStockEntity } from './entities';

/** ClaimState read inside the deciding transaction. */
export function claimStateOf(em: EntityManager): ClaimState {
  return {
    // SELECT ... FOR UPDATE: a second decision for the coupon (another instance during a rebalance) waits here, then
    // reads the claims this one committed.
    lockCoupon: (couponId) => em.findOne(CouponStockEntity, { where: { couponId }, lock: { mode: 'pessimistic_write' } }),
    claimCounts: async (couponId, userId) => {
      const rows: Array<{ issued: number; by_user: number }> = await em.query(
        `SELECT COALESCE(MAX(issue_seq), 0)::int AS issued, COALESCE(MAX(user_seq) FILTER (WHERE user_id = $2), 0)::int AS by_user
         FROM ${tableName(em, ClaimEntity)} WHERE coupon_id = $1`,
        [couponId, userId],
      );
      return { issued: rows[0].issued, byUser: rows[0].by_user };
    },
  };
}
