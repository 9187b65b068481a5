// What a coupon edit (PATCH /v1/admin/coupons/{id}) may change, in one place: the gateway checks a whole edit with it
// before sending anything, the catalog decides its fields (claimableUntil, status) with it, and the wallet its stock
// terms (perUserLimit, totalQuantity) against the exact issued count, in order with the coupon's claims.

/** The coupon as the deciding side knows it. `issued`: the claims so far (0 where a side decides no stock terms). */
export interface EditedCoupon {
  couponId: string;
  status: string;
  /** Epoch ms; null: claimable for ever. */
  claimableUntil: number | null;
  perUserLimit: number;
  issued: number;
}

/** The fields of an edit these rules judge (the others, title and priority, can always change). */
export interface CouponEdit {
  /** Epoch ms. */
  claimableUntil?: number;
  perUserLimit?: number;
  totalQuantity?: number;
}

export type CouponEditRefusalCode = 'COUPON_ENDED' | 'CLAIMABLE_UNTIL_EARLIER' | 'LIMIT_LOWERED' | 'BELOW_ISSUED';

export interface CouponEditRefusal {
  code: CouponEditRefusalCode;
  httpStatus: 409 | 422;
  message: string;
  /** The request field at fault and what it must be. */
  field: string;
  fieldMessage: string;
}

/**
 * The first rule an edit breaks, or null: an ENDED coupon changes no more (final); claimableUntil only moves later (a
 * coupon without one is claimable for ever, so any date is earlier); perUserLimit only goes up (users may already hold
 * more); totalQuantity never below the number issued (equal is fine: sold out from now on).
 */
export function couponEditRefusal(c: EditedCoupon, edit: CouponEdit): CouponEditRefusal | null {
  if (c.status === 'ENDED') {
    return { code: 'COUPON_ENDED', httpStatus: 409, message: `coupon ${c.couponId} has ended: an ended coupon can't change`, field: 'status', fieldMessage: 'the coupon is ENDED, which is final' };
  }
  if (edit.claimableUntil !== undefined && (c.claimableUntil === null || edit.claimableUntil < c.claimableUntil)) {
    const was = c.claimableUntil === null ? 'none (claimable for ever)' : new Date(c.claimableUntil).toISOString();
    return {
      code: 'CLAIMABLE_UNTIL_EARLIER', httpStatus: 422, message: `claimableUntil may only move later (now ${was})`,
      field: 'claimableUntil', fieldMessage: `must not be earlier than the current claimableUntil, ${was}`,
    };
  }
  if (edit.perUserLimit !== undefined && edit.perUserLimit < c.perUserLimit) {
    return {
      code: 'LIMIT_LOWERED', httpStatus: 422, message: `perUserLimit may only go up (now ${c.perUserLimit})`,
      field: 'perUserLimit', fieldMessage: `must be at least ${c.perUserLimit}`,
    };
  }
  if (edit.totalQuantity !== undefined && edit.totalQuantity < c.issued) {
    return {
      code: 'BELOW_ISSUED', httpStatus: 409, message: `${c.issued} of coupon ${c.couponId} are already issued: totalQuantity can't go below that`,
      field: 'totalQuantity', fieldMessage: `must be at least ${c.issued}, the number issued`,
    };
  }
  return null;
}
