import { ClaimCoupon, CouponClaimed, Envelope, envelope } from '@coupons/contracts';
import { ClaimState, decideClaim } from './decisions';
import { CouponStockEntity } from './entities';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const DAY = 86_400_000;

const coupon = (over: Partial<CouponStockEntity> = {}): CouponStockEntity =>
  Object.assign(new CouponStockEntity(), {
    couponId: 'c-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, totalQuantity: 10, perUserLimit: 2,
    claimableFrom: null, claimableUntil: null, validDaysAfterClaim: null, validUntil: null, status: 'ACTIVE', ...over,
  });

const state = (c: CouponStockEntity | null, issued = 0, byUser = 0): ClaimState => ({
  lockCoupon: async () => c,
  claimCounts: async () => ({ issued, byUser }),
});

const cmd: Envelope<ClaimCoupon> = envelope('ClaimCoupon', { claimId: 'cl-1', couponId: 'c-1', userId: 'u-1', requestedAt: NOW.toISOString() }, {
  aggregateId: 'c-1', correlationId: 'corr', eventId: 'cmd-1',
});

describe('decideClaim', () => {
  it('returns null for a coupon the wallet has not folded (the caller waits or refuses)', async () => {
    expect(await decideClaim(cmd, state(null), NOW)).toBeNull();
  });

  it.each<[string, CouponStockEntity, number, number, string]>([
    ['paused', coupon({ status: 'PAUSED' }), 0, 0, 'NOT_CLAIMABLE'],
    ['before the window', coupon({ claimableFrom: new Date(NOW.getTime() + 1) }), 0, 0, 'NOT_CLAIMABLE'],
    ['after the window', coupon({ claimableUntil: new Date(NOW.getTime() - 1) }), 0, 0, 'NOT_CLAIMABLE'],
    ['paused even with stock and no claims', coupon({ status: 'PAUSED', totalQuantity: 1 }), 1, 1, 'NOT_CLAIMABLE'],
    ['stock exhausted', coupon({ totalQuantity: 3 }), 3, 0, 'OUT_OF_STOCK'],
    ['per-user limit reached', coupon({ perUserLimit: 2 }), 5, 2, 'LIMIT_REACHED'],
    ['limit told before stock', coupon({ totalQuantity: 3, perUserLimit: 1 }), 3, 1, 'LIMIT_REACHED'],
  ])('refuses when %s', async (_name, c, issued, byUser, code) => {
    const sut = await decideClaim(cmd, state(c, issued, byUser), NOW);
    expect(sut).toMatchObject({ type: 'ClaimRejected', aggregateId: 'c-1', causationId: 'cmd-1', correlationId: 'corr', payload: { claimId: 'cl-1', couponId: 'c-1', userId: 'u-1', code } });
  });

  it.each<[string, Partial<CouponStockEntity>, string | null]>([
    ['no expiry', {}, null],
    ['N days after the claim', { validDaysAfterClaim: 7, validUntil: new Date('2026-12-31T00:00:00.000Z') }, new Date(NOW.getTime() + 7 * DAY).toISOString()],
    ['a fixed end', { validUntil: new Date('2026-12-31T00:00:00.000Z') }, '2026-12-31T00:00:00.000Z'],
    ['the end of the claim window', { claimableUntil: new Date('2026-04-01T00:00:00.000Z') }, '2026-04-01T00:00:00.000Z'],
  ])('claims inside the bounds, with validity from %s', async (_name, over, validUntil) => {
    const sut = (await decideClaim(cmd, state(coupon(over), 4, 1), NOW)) as Envelope<CouponClaimed>;
    expect(sut.type).toBe('CouponClaimed');
    expect(sut.causationId).toBe('cmd-1');
    expect(sut.payload).toEqual({
      claimId: 'cl-1', couponId: 'c-1', userId: 'u-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, claimedAt: NOW.toISOString(),
      validUntil, issuedCount: 5, userClaimSeq: 2, totalQuantity: 10, perUserLimit: 2,
    });
  });

  it('claims the last unit and at the window bounds (inclusive)', async () => {
    const c = coupon({ totalQuantity: 5, claimableFrom: NOW, claimableUntil: NOW });
    expect((await decideClaim(cmd, state(c, 4, 0), NOW))?.type).toBe('CouponClaimed');
  });
});
