import { CouponCreated } from '@coupons/contracts';
import { couponAdminView, couponCreatedFromEntity, couponEntityFromCreated } from './mappers';

const created: CouponCreated = {
  merchantId: 'm-1', couponId: 'c-1', title: '10% off drinks', discount: { type: 'PERCENT_OFF', percent: 10, maxDiscount: 300 }, minSpend: 1000,
  target: { categories: ['drinks'] }, storeIds: ['s-1'], totalQuantity: 100, perUserLimit: 2,
  claimableFrom: '2026-01-01T00:00:00.000Z', claimableUntil: '2026-12-31T23:59:59.000Z', validDaysAfterClaim: 7, validUntil: null,
  priority: 3, dailyQuantity: null, perUserDailyLimit: null, status: 'ACTIVE', createdAt: '2026-01-01T08:00:00.000Z',
};

describe('coupon mapping', () => {
  it('round-trips CouponCreated through the entity', () => {
    const sut = couponEntityFromCreated(created);
    expect(sut).toMatchObject({ targetSkus: [], targetCategories: ['drinks'], targetBrands: [], storeIds: ['s-1'] });
    expect(couponCreatedFromEntity(sut)).toEqual(created);
  });

  it('round-trips the daily caps and zone, and reads a coupon from before them as uncapped in the default zone', () => {
    const capped: CouponCreated = { ...created, dailyQuantity: 20, perUserDailyLimit: 1, timeZone: 'Europe/Berlin' };
    expect(couponCreatedFromEntity(couponEntityFromCreated(capped))).toEqual(capped);
    expect(couponAdminView(couponEntityFromCreated(capped), null)).toMatchObject({ dailyQuantity: 20, perUserDailyLimit: 1, timeZone: 'Europe/Berlin' });
    const { dailyQuantity: _d, perUserDailyLimit: _u, ...old } = created;
    expect(couponAdminView(couponEntityFromCreated(old), null)).toMatchObject({ dailyQuantity: null, perUserDailyLimit: null, timeZone: 'Asia/Shanghai' });
  });

  it('gives the admin view ISO strings with counters', () => {
    const entity = couponEntityFromCreated(created);
    expect(couponAdminView(entity, { issued: 4, redeemed: 1 })).toMatchObject({ claimableUntil: created.claimableUntil, issued: 4, redeemed: 1, status: 'ACTIVE', createdAt: created.createdAt });
    expect(couponAdminView(entity, null)).toMatchObject({ issued: 0, redeemed: 0 });
  });
});
