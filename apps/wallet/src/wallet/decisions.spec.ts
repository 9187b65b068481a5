import { ClaimCoupon, CouponClaimed, Envelope, envelope } from '@coupons/contracts';
import { ClaimState, decideClaim } from './decisions';
import { CouponStockEntity } from './entities';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const DAY = 86_400_000;

const coupon = (over: Partial<CouponStockEntity> = {}): CouponStockEntity =>
  Object.assign(new CouponStockEntity(), {
    couponId: 'c-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, totalQuantity: 10, perUserLimit: 2,
    claimableFrom: null, claimableUntil: null, validDaysAfterClaim: null, validUntil: null, status: 'ACTIVE',
    dailyQuantity: null, perUserDailyLimit: null, timeZone: null, ...over,
  });

const state = (c: CouponStockEntity | null, issued = 0, byUser = 0): ClaimState => ({
  lockCoupon: async () => c,
  claimCounts: async () => ({ issued, byUser, dayIssued: 0, dayByUser: 0 }),
});

/** Claims so far per local day: the coupon's and the user's (the state answers for the day it is asked). */
const daily = (c: CouponStockEntity, days: Record<string, { issued: number; byUser: number }>, asked: string[] = []): ClaimState => ({
  lockCoupon: async () => c,
  claimCounts: async (_coupon, _user, day) => {
    asked.push(day);
    const d = days[day] ?? { issued: 0, byUser: 0 };
    return { issued: 100, byUser: 1, dayIssued: d.issued, dayByUser: d.byUser };
  },
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
      validUntil, issuedCount: 5, userClaimSeq: 2, totalQuantity: 10, perUserLimit: 2, claimDay: '2026-03-10', dayIssueSeq: 1, dayUserSeq: 1,
    });
  });

  it('claims the last unit and at the window bounds (inclusive)', async () => {
    const c = coupon({ totalQuantity: 5, claimableFrom: NOW, claimableUntil: NOW });
    expect((await decideClaim(cmd, state(c, 4, 0), NOW))?.type).toBe('CouponClaimed');
  });

  describe('daily caps', () => {
    // 2026-03-10T16:00Z is midnight in Shanghai (UTC+8), 17:00 in Berlin (CET).
    const beforeMidnight = new Date('2026-03-10T15:59:59.999Z');
    const atMidnight = new Date('2026-03-10T16:00:00.000Z');
    const capped = coupon({ totalQuantity: 1000, perUserLimit: 10, dailyQuantity: 3, perUserDailyLimit: 2 });

    it('refuses DAILY_LIMIT_REACHED when the day has issued dailyQuantity, and claims again from local midnight', async () => {
      const days = { '2026-03-10': { issued: 3, byUser: 0 } };
      const asked: string[] = [];
      expect(await decideClaim(cmd, daily(capped, days, asked), beforeMidnight)).toMatchObject({ type: 'ClaimRejected', payload: { code: 'DAILY_LIMIT_REACHED' } });
      const next = (await decideClaim(cmd, daily(capped, days, asked), atMidnight)) as Envelope<CouponClaimed>;
      expect(next.payload).toMatchObject({ claimDay: '2026-03-11', dayIssueSeq: 1, dayUserSeq: 1, issuedCount: 101, claimedAt: atMidnight.toISOString() });
      expect(asked).toEqual(['2026-03-10', '2026-03-11']);
    });

    it('refuses DAILY_LIMIT_REACHED when the user claimed perUserDailyLimit that day, naming the user limit', async () => {
      const sut = await decideClaim(cmd, daily(capped, { '2026-03-10': { issued: 2, byUser: 2 } }), beforeMidnight);
      expect(sut).toMatchObject({ type: 'ClaimRejected', payload: { code: 'DAILY_LIMIT_REACHED', message: expect.stringContaining('user already claimed 2') } });
      expect((await decideClaim(cmd, daily(capped, { '2026-03-10': { issued: 2, byUser: 2 } }), atMidnight))?.type).toBe('CouponClaimed');
    });

    it('takes the last of the day, with its day sequences', async () => {
      const sut = (await decideClaim(cmd, daily(capped, { '2026-03-10': { issued: 2, byUser: 1 } }), beforeMidnight)) as Envelope<CouponClaimed>;
      expect(sut.payload).toMatchObject({ claimDay: '2026-03-10', dayIssueSeq: 3, dayUserSeq: 2 });
    });

    it("counts the day in the coupon's time zone, Asia/Shanghai when it names none", async () => {
      const berlin = coupon({ ...capped, timeZone: 'Europe/Berlin' });
      const days = { '2026-03-10': { issued: 3, byUser: 0 } };
      // 16:00Z is already the 11th in Shanghai, still the 10th (17:00) in Berlin.
      expect((await decideClaim(cmd, daily(capped, days), atMidnight))?.type).toBe('CouponClaimed');
      expect(await decideClaim(cmd, daily(berlin, days), atMidnight)).toMatchObject({ payload: { code: 'DAILY_LIMIT_REACHED' } });
    });

    it('checks the overall limit and stock before the daily caps', async () => {
      const full: ClaimState = { lockCoupon: async () => capped, claimCounts: async () => ({ issued: 1000, byUser: 0, dayIssued: 3, dayByUser: 2 }) };
      expect(await decideClaim(cmd, full, NOW)).toMatchObject({ payload: { code: 'OUT_OF_STOCK' } });
    });

    it('does not cap a coupon without daily caps, however many it issued that day', async () => {
      const sut = await decideClaim(cmd, daily(coupon({ totalQuantity: 1000, perUserLimit: 10 }), { '2026-03-10': { issued: 500, byUser: 5 } }), beforeMidnight);
      expect(sut?.payload).toMatchObject({ claimDay: '2026-03-10', dayIssueSeq: 501, dayUserSeq: 6 });
    });
  });
});
