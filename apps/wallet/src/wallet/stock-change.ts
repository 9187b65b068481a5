import {
  ChangeCouponStock, CouponStockChangeRejected, CouponStockChanged, CouponStockEventTypes, Envelope, StockChangeRejectionCode, causedBy,
} from '@coupons/contracts';
import { couponEditRefusal } from '@coupons/coupon-rules';
import { CouponStockEntity } from './entities';

/** What a stock change decision reads: the coupon locked as for a claim, and its exact issued count. */
export interface StockChangeState {
  lockCoupon(couponId: string): Promise<CouponStockEntity | null>;
  issued(couponId: string): Promise<number>;
}

export type StockChangeOutcome = Envelope<CouponStockChanged> | Envelope<CouponStockChangeRejected>;

const HTTP: Record<StockChangeRejectionCode, number> = { BELOW_ISSUED: 409, LIMIT_LOWERED: 422, COUPON_ENDED: 409, COUPON_NOT_FOUND: 404 };

/** A CouponStockChangeRejected caused by the command (the gateway answers it as its HTTP error). */
export function stockChangeRejected(
  cmd: Envelope<ChangeCouponStock>, code: StockChangeRejectionCode, message: string, now: Date, field?: string,
): Envelope<CouponStockChangeRejected> {
  const e: CouponStockChangeRejected = { couponId: cmd.payload.couponId, code, message, httpStatus: HTTP[code], ...(field ? { field } : {}) };
  return causedBy(cmd, CouponStockEventTypes.couponStockChangeRejected, e, cmd.payload.couponId, now);
}

/**
 * Decides new stock terms in order with the coupon's claims (same key, same lock), so `issued` is exact, by the edit
 * rules (coupon-rules couponEditRefusal): an ENDED coupon COUPON_ENDED, a lower perUserLimit LIMIT_LOWERED, a total
 * below the issued count BELOW_ISSUED. Else CouponStockChanged with both terms; the claims decided after
 * it are judged against them. null: the coupon is not folded yet (parked, as a claim would be).
 */
export async function decideStockChange(cmd: Envelope<ChangeCouponStock>, state: StockChangeState, now: Date): Promise<StockChangeOutcome | null> {
  const p = cmd.payload;
  const coupon = await state.lockCoupon(p.couponId);
  if (!coupon) return null;
  const issued = await state.issued(p.couponId);
  const r = couponEditRefusal(
    { couponId: p.couponId, status: coupon.status, claimableUntil: null, perUserLimit: coupon.perUserLimit, issued },
    { perUserLimit: p.perUserLimit, totalQuantity: p.totalQuantity },
  );
  if (r) return stockChangeRejected(cmd, r.code as StockChangeRejectionCode, r.message, now, r.field);
  const totalQuantity = p.totalQuantity ?? coupon.totalQuantity;
  const e: CouponStockChanged = { couponId: p.couponId, totalQuantity, perUserLimit: p.perUserLimit ?? coupon.perUserLimit, issued };
  return causedBy(cmd, CouponStockEventTypes.couponStockChanged, e, p.couponId, now);
}
