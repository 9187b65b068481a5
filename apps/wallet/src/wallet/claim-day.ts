import { DEFAULT_COUPON_TIME_ZONE } from '@coupons/contracts';
import { localDayOf } from '@coupons/coupon-rules';
import { CouponStockEntity } from './entities';

/** The day a claim at `at` counts in for the coupon's daily caps: its zone, or the default for coupons from before. */
export function claimDayOf(coupon: Pick<CouponStockEntity, 'timeZone'>, at: Date | string): string {
  return localDayOf(typeof at === 'string' ? Date.parse(at) : at.getTime(), coupon.timeZone ?? DEFAULT_COUPON_TIME_ZONE);
}
