import { ChangeCouponStock, CouponStockEventTypes, Envelope, envelope } from '@coupons/contracts';
import { CouponStockEntity } from './entities';
import { StockChangeState, decideStockChange } from './stock-change';

const NOW = new Date('2026-03-10T12:00:00.000Z');

const coupon = (over: Partial<CouponStockEntity> = {}): CouponStockEntity =>
  Object.assign(new CouponStockEntity(), {
    couponId: 'c-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, totalQuantity: 100, perUserLimit: 2,
    claimableFrom: null, claimableUntil: null, validDaysAfterClaim: null, validUntil: null, status: 'ACTIVE', ...over,
  });

const state = (c: CouponStockEntity | null, issued: number): StockChangeState => ({ lockCoupon: async () => c, issued: async () => issued });

const change = (p: Omit<ChangeCouponStock, 'couponId'>): Envelope<ChangeCouponStock> =>
  envelope('ChangeCouponStock', { couponId: 'c-1', ...p }, { aggregateId: 'c-1', correlationId: 'corr', eventId: 'cmd-1' });

describe('decideStockChange', () => {
  it('returns null for a coupon the wallet has not folded (parked like a claim)', async () => {
    expect(await decideStockChange(change({ totalQuantity: 5 }), state(null, 0), NOW)).toBeNull();
  });

  it.each<[string, Omit<ChangeCouponStock, 'couponId'>, number, { totalQuantity: number; perUserLimit: number }]>([
    ['a lower total above issued', { totalQuantity: 40 }, 31, { totalQuantity: 40, perUserLimit: 2 }],
    ['a total equal to issued (sold out from now on)', { totalQuantity: 31 }, 31, { totalQuantity: 31, perUserLimit: 2 }],
    ['a higher total', { totalQuantity: 500 }, 100, { totalQuantity: 500, perUserLimit: 2 }],
    ['a higher per-user limit alone', { perUserLimit: 5 }, 7, { totalQuantity: 100, perUserLimit: 5 }],
    ['both', { totalQuantity: 80, perUserLimit: 3 }, 7, { totalQuantity: 80, perUserLimit: 3 }],
  ])('takes %s, answering both terms and the issued count', async (_, p, issued, terms) => {
    const sut = await decideStockChange(change(p), state(coupon(), issued), NOW);
    expect(sut).toMatchObject({ type: CouponStockEventTypes.couponStockChanged, causationId: 'cmd-1', aggregateId: 'c-1' });
    expect(sut!.payload).toEqual({ couponId: 'c-1', ...terms, issued });
  });

  it.each<[string, CouponStockEntity, Omit<ChangeCouponStock, 'couponId'>, number, string, number, string | undefined]>([
    ['a total below issued', coupon(), { totalQuantity: 30 }, 31, 'BELOW_ISSUED', 409, 'totalQuantity'],
    ['a lower per-user limit', coupon(), { perUserLimit: 1 }, 0, 'LIMIT_LOWERED', 422, 'perUserLimit'],
    ['any change of an ended coupon', coupon({ status: 'ENDED' }), { totalQuantity: 500 }, 0, 'COUPON_ENDED', 409, 'status'], // named as the catalog's COUPON_ENDED names it
  ])('refuses %s', async (_, c, p, issued, code, httpStatus, field) => {
    const sut = await decideStockChange(change(p), state(c, issued), NOW);
    expect(sut).toMatchObject({ type: CouponStockEventTypes.couponStockChangeRejected, causationId: 'cmd-1', payload: { couponId: 'c-1', code, httpStatus } });
    expect((sut!.payload as { field?: string }).field).toBe(field);
  });
});
