import { ClaimEntity } from './entities';
import { walletCouponView } from './wallet-view';

const claim = (validUntil: string | null) =>
  Object.assign(new ClaimEntity(), {
    claimId: 'cl-1', couponId: 'c-1', userId: 'u-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 },
    claimedAt: new Date('2026-03-01T00:00:00.000Z'), validUntil: validUntil ? new Date(validUntil) : null, issueSeq: 1, userSeq: 1, totalQuantity: 1, perUserLimit: 1,
  });
const now = new Date('2026-03-10T00:00:00.000Z');

describe('walletCouponView', () => {
  it.each([
    ['AVAILABLE without expiry', null, null, 'AVAILABLE'],
    ['AVAILABLE inside validity', '2026-03-10T00:00:00.000Z', null, 'AVAILABLE'],
    ['EXPIRED past validity', '2026-03-09T23:59:59.999Z', null, 'EXPIRED'],
    ['REDEEMED when spent, even if expired since', '2026-03-05T00:00:00.000Z', { orderId: 'o-1' }, 'REDEEMED'],
  ])('%s', (_name, validUntil, redemption, status) => {
    const sut = walletCouponView(claim(validUntil), redemption, now);
    expect(sut.status).toBe(status);
    expect(sut.orderId).toBe(redemption?.orderId);
  });

  it('maps dates to ISO strings', () => {
    expect(walletCouponView(claim('2026-04-01T00:00:00.000Z'), null, now)).toEqual({
      claimId: 'cl-1', couponId: 'c-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, status: 'AVAILABLE',
      claimedAt: '2026-03-01T00:00:00.000Z', validUntil: '2026-04-01T00:00:00.000Z',
    });
  });
});
