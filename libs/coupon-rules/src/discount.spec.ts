import { Discount } from './coupon';
import { discountAmount as sut } from './discount';

describe('discountAmount', () => {
  it.each<[string, Discount, number, number]>([
    ['AMOUNT_OFF below eligible', { type: 'AMOUNT_OFF', amount: 500 }, 2000, 500],
    ['AMOUNT_OFF equal to eligible', { type: 'AMOUNT_OFF', amount: 2000 }, 2000, 2000],
    ['AMOUNT_OFF capped at eligible', { type: 'AMOUNT_OFF', amount: 5000 }, 2000, 2000],
    ['AMOUNT_OFF on nothing', { type: 'AMOUNT_OFF', amount: 500 }, 0, 0],
    ['PERCENT_OFF exact', { type: 'PERCENT_OFF', percent: 10 }, 2000, 200],
    ['PERCENT_OFF floors (999 * 15% = 149.85)', { type: 'PERCENT_OFF', percent: 15 }, 999, 149],
    ['PERCENT_OFF floors to 0', { type: 'PERCENT_OFF', percent: 1 }, 99, 0],
    ['PERCENT_OFF 100%', { type: 'PERCENT_OFF', percent: 100 }, 1234, 1234],
    ['PERCENT_OFF capped', { type: 'PERCENT_OFF', percent: 50, maxDiscount: 300 }, 2000, 300],
    ['PERCENT_OFF cap not reached', { type: 'PERCENT_OFF', percent: 10, maxDiscount: 300 }, 2000, 200],
    ['PERCENT_OFF cap equal', { type: 'PERCENT_OFF', percent: 15, maxDiscount: 300 }, 2000, 300],
    ['PERCENT_OFF null cap = uncapped', { type: 'PERCENT_OFF', percent: 50, maxDiscount: null }, 2000, 1000],
    ['PERCENT_OFF cap 0 is a real cap', { type: 'PERCENT_OFF', percent: 50, maxDiscount: 0 }, 2000, 0],
    // 9007199254740991 * 33 overflows doubles: Math.floor(9007199254740991 * 33 / 100) = 2972375754064527
    ['PERCENT_OFF exact on MAX_SAFE_INTEGER', { type: 'PERCENT_OFF', percent: 33 }, Number.MAX_SAFE_INTEGER, 2972375754064527],
    ['PERCENT_OFF exact on large odd amount', { type: 'PERCENT_OFF', percent: 7 }, 123456789012345, 8641975230864],
    ['AMOUNT_OFF on MAX_SAFE_INTEGER', { type: 'AMOUNT_OFF', amount: Number.MAX_SAFE_INTEGER }, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ])('%s', (_name, discount, eligible, expected) => {
    expect(sut(discount, eligible)).toBe(expected);
  });

  it('is exact where float arithmetic is not', () => {
    const eligible = Number.MAX_SAFE_INTEGER;
    const exact = Number((BigInt(eligible) * 33n) / 100n);
    expect(sut({ type: 'PERCENT_OFF', percent: 33 }, eligible)).toBe(exact);
    expect(Math.floor((eligible * 33) / 100)).not.toBe(exact);
  });

  it.each<[string, Discount, number]>([
    ['negative eligible', { type: 'AMOUNT_OFF', amount: 1 }, -1],
    ['fractional eligible', { type: 'PERCENT_OFF', percent: 10 }, 10.5],
    ['bad percent', { type: 'PERCENT_OFF', percent: 0 }, 100],
  ])('rejects %s', (_name, discount, eligible) => {
    expect(() => sut(discount, eligible)).toThrow(RangeError);
  });
});
