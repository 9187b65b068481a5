import { describe, expect, it } from 'vitest';
import { translator } from '../shared/i18n';
import { CouponDraft, EMPTY_COUPON, couponPatch, couponRequest, editDraft, statusActions } from './coupon-form';
import type { MerchantCoupon } from './merchant-api';

const t = translator('en');
const NOW = Date.parse('2026-12-01T12:00:00Z');
const draft = (d: Partial<CouponDraft>): CouponDraft => ({ ...EMPTY_COUPON, title: '¥3 off milk', amount: '3', ...d });
const problems = (d: Partial<CouponDraft>) => {
  const r = couponRequest(draft(d), t, NOW);
  return r.ok ? {} : r.problems;
};

describe('the coupon create form as a request', () => {
  it('sends the minimal coupon with the API\'s defaults left out', () => {
    expect(couponRequest(draft({}), t, NOW)).toEqual({
      ok: true, body: { title: '¥3 off milk', discount: { type: 'AMOUNT_OFF', amount: 300 }, totalQuantity: 100, validDaysAfterClaim: 30 },
    });
  });

  it('maps every field: percent with a cap, money in minor units, lists, caps, time zone and windows', () => {
    const r = couponRequest(draft({
      discountType: 'PERCENT_OFF', percent: '15', maxDiscount: '20.5', minSpend: '99.90', storeIds: ['s1', 's2', 's1'], skus: 'a, b,,a', categories: 'dairy',
      brands: '', totalQuantity: '50', perUserLimit: '2', dailyQuantity: '10', perUserDailyLimit: '1', timeZone: 'Europe/Berlin',
      claimableFrom: '2026-12-02T00:00', claimableUntil: '2026-12-31T00:00', validity: 'until', validUntil: '2027-01-31T00:00', priority: '-3',
    }), t, NOW);
    expect(r.ok && r.body).toEqual({
      title: '¥3 off milk', discount: { type: 'PERCENT_OFF', percent: 15, maxDiscount: 2050 }, minSpend: 9990, storeIds: ['s1', 's2'],
      target: { skus: ['a', 'b'], categories: ['dairy'] }, totalQuantity: 50, perUserLimit: 2, dailyQuantity: 10, perUserDailyLimit: 1, timeZone: 'Europe/Berlin',
      claimableFrom: new Date('2026-12-02T00:00').toISOString(), claimableUntil: new Date('2026-12-31T00:00').toISOString(),
      validUntil: new Date('2027-01-31T00:00').toISOString(), priority: -3,
    });
  });

  it('refuses what the API refuses, naming the form\'s field', () => {
    expect(problems({ title: ' ', amount: '3.333' })).toEqual({ title: 'Required.', amount: 'An amount like 12.50.' });
    expect(Object.keys(problems({ discountType: 'PERCENT_OFF', percent: '101', maxDiscount: 'x' }))).toEqual(['percent', 'maxDiscount']);
    expect(Object.keys(problems({ totalQuantity: '0', perUserLimit: '1.5', dailyQuantity: '-1', perUserDailyLimit: 'x' })))
      .toEqual(['totalQuantity', 'perUserLimit', 'dailyQuantity', 'perUserDailyLimit']);
    expect(problems({ timeZone: 'Mars/Olympus' })).toEqual({ timeZone: 'An IANA time zone such as Asia/Shanghai.' });
    expect(problems({ claimableUntil: '2026-11-30T00:00' })).toEqual({ claimableUntil: 'This time has passed.' });
    expect(Object.keys(problems({ claimableFrom: '2027-02-01T00:00', claimableUntil: '2027-01-01T00:00' }))).toEqual(['claimableFrom']);
    expect(Object.keys(problems({ validity: 'until', validUntil: '' }))).toEqual(['validUntil']);
    expect(Object.keys(problems({ validity: 'days', validDaysAfterClaim: '3651' }))).toEqual(['validDaysAfterClaim']);
    expect(Object.keys(problems({ skus: 'has space' }))).toEqual(['skus']);
  });
});

const coupon: MerchantCoupon = {
  couponId: 'cpn_1', merchantId: 'm-1', title: 'Old', discount: { type: 'AMOUNT_OFF', amount: 300 }, minSpend: 0, target: {}, storeIds: [], totalQuantity: 10, perUserLimit: 2,
  claimableFrom: null, claimableUntil: '2026-12-31T00:00:00.000Z', validDaysAfterClaim: 30, validUntil: null, priority: 0, status: 'ACTIVE', issued: 4,
  redeemed: 1, createdAt: '2026-11-01T00:00:00Z', dailyQuantity: null, perUserDailyLimit: null, timeZone: 'Asia/Shanghai',
};

describe('the coupon edit form as a PATCH', () => {
  it('sends only what changed', () => {
    expect(couponPatch(coupon, editDraft(coupon), t, NOW)).toEqual({ ok: true, body: {} });
    const later = new Date('2027-01-15T10:30:00Z');
    const edit = { ...editDraft(coupon), title: 'New', priority: '5', perUserLimit: '3', totalQuantity: '4', claimableUntil: `${later.getFullYear()}-${String(later.getMonth() + 1).padStart(2, '0')}-${String(later.getDate()).padStart(2, '0')}T${String(later.getHours()).padStart(2, '0')}:${String(later.getMinutes()).padStart(2, '0')}` };
    expect(couponPatch(coupon, edit, t, NOW)).toEqual({ ok: true, body: { title: 'New', priority: 5, perUserLimit: 3, totalQuantity: 4, claimableUntil: later.toISOString() } });
  });

  it('refuses a window moved earlier, a per-shopper limit lowered and a total below what is issued', () => {
    const r = couponPatch(coupon, { ...editDraft(coupon), claimableUntil: '2026-12-20T00:00', perUserLimit: '1', totalQuantity: '3' }, t, NOW);
    expect(r).toEqual({ ok: false, problems: { claimableUntil: 'Can only move later.', perUserLimit: 'Can only go up (now 2).', totalQuantity: 'Can\'t go below the 4 already issued.' } });
  });

  it('offers pause or end to an active coupon, resume or end to a paused one, nothing to an ended one', () => {
    expect([statusActions('ACTIVE'), statusActions('PAUSED'), statusActions('ENDED')]).toEqual([['PAUSED', 'ENDED'], ['ACTIVE', 'ENDED'], []]);
  });
});
