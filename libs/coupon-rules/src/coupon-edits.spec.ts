import { couponEditRefusal } from './coupon-edits';

const UNTIL = Date.parse('2026-06-30T00:00:00.000Z');
const coupon = { couponId: 'c-1', status: 'ACTIVE', claimableUntil: UNTIL, perUserLimit: 2, issued: 4 };

describe('couponEditRefusal', () => {
  it.each([
    ['a later claimableUntil', { claimableUntil: UNTIL + 1 }],
    ['the same claimableUntil', { claimableUntil: UNTIL }],
    ['a higher perUserLimit', { perUserLimit: 3 }],
    ['a total equal to the issued count', { totalQuantity: 4 }],
    ['nothing it judges', {}],
  ])('takes %s', (_, edit) => {
    expect(couponEditRefusal(coupon, edit)).toBeNull();
  });

  it.each([
    ['an earlier claimableUntil', coupon, { claimableUntil: UNTIL - 1 }, 'CLAIMABLE_UNTIL_EARLIER', 422, 'claimableUntil'],
    ['any claimableUntil of a coupon claimable for ever', { ...coupon, claimableUntil: null }, { claimableUntil: UNTIL }, 'CLAIMABLE_UNTIL_EARLIER', 422, 'claimableUntil'],
    ['a lower perUserLimit', coupon, { perUserLimit: 1 }, 'LIMIT_LOWERED', 422, 'perUserLimit'],
    ['a total below the issued count', coupon, { totalQuantity: 3 }, 'BELOW_ISSUED', 409, 'totalQuantity'],
    ['any edit of an ENDED coupon, first', { ...coupon, status: 'ENDED' }, { totalQuantity: 1 }, 'COUPON_ENDED', 409, 'status'],
  ] as const)('refuses %s', (_, c, edit, code, httpStatus, field) => {
    expect(couponEditRefusal(c, edit)).toMatchObject({ code, httpStatus, field });
  });
});
