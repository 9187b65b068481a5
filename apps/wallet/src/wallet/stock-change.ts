import {
  ChangeCouponStock, CouponStockChangeRejected, CouponStockChanged, CouponStockEventTypes, Envelope, StockChangeRejectionCode, causedBy,
} from '@coupons/contracts';
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
 * Decides new stock terms in order with the coupon's claims (same key, same lock), so `issued` is exact: a total
 * below it is BELOW_ISSUED (equal is fine: sold out from now on), a lower perUserLimit LIMIT_LOWERED (users may
 * already hold more), an ENDED coupon COUPON_ENDED. Else CouponStockChanged with both terms; the claims decided after
 * it are judged against them. null: the coupon is not folded yet (parked, as a claim would be).
 */
export async function decideStockChange(cmd: Envelope<ChangeCouponStock>, state: StockChangeState, now: Date): Promise<StockChangeOutcome | null> {
  const p = cmd.payload;
  const coupon = await state.lockCoupon(p.couponId);
  if (!coupon) return null;
  if (coupon.status === 'ENDED') return stockChangeRejected(cmd, 'COUPON_ENDED', `coupon ${p.couponId} has ended: its stock can't change`, now);
  if (p.perUserLimit !== undefined && p.perUserLimit < coupon.perUserLimit) {
    return stockChangeRejected(cmd, 'LIMIT_LOWERED', `perUserLimit may only go up (now ${coupon.perUserLimit})`, now, 'perUserLimit');
  }
  const issued = await state.issued(p.couponId);
  const totalQuantity = p.totalQuantity ?? coupon.totalQuantity;
  if (totalQuantity < issued) {
    return stockChangeRejected(cmd, 'BELOW_ISSUED', `${issued} of coupon ${p.couponId} are already issued: totalQuantity can't go below that`, now, 'totalQuantity');
  }
  const e: CouponStockChanged = { couponId: p.couponId, totalQuantity, perUserLimit: p.perUserLimit ?? coupon.perUserLimit, issued };
  return causedBy(cmd, CouponStockEventTypes.couponStockChanged, e, p.couponId, now);
}
