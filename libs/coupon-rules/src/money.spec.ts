import { assertDiscount, assertMinorUnits, assertNonNegativeInteger, assertPositiveInteger, assertSafeInteger, toSafeNumber } from './money';
import { Discount } from './coupon';

describe('money guards', () => {
  it.each([0, 1, Number.MAX_SAFE_INTEGER])('assertMinorUnits accepts %p', (value) => {
    expect(assertMinorUnits(value)).toBe(value);
  });

  it.each([-1, 1.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, '5', null, undefined])('assertMinorUnits rejects %p', (value) => {
    expect(() => assertMinorUnits(value, 'price')).toThrow(RangeError);
  });

  it.each([
    ['assertPositiveInteger', assertPositiveInteger, 0, false],
    ['assertPositiveInteger', assertPositiveInteger, 1, true],
    ['assertNonNegativeInteger', assertNonNegativeInteger, 0, true],
    ['assertNonNegativeInteger', assertNonNegativeInteger, -1, false],
    ['assertSafeInteger', assertSafeInteger, -5, true],
    ['assertSafeInteger', assertSafeInteger, 0.5, false],
  ])('%s(%p) ok=%p', (_name, sut, value, ok) => {
    if (ok) expect(sut(value)).toBe(value);
    else expect(() => sut(value)).toThrow(RangeError);
  });

  it.each([
    [0n, 0],
    [BigInt(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ])('toSafeNumber(%p) = %p', (value, expected) => {
    expect(toSafeNumber(value)).toBe(expected);
  });

  it('toSafeNumber refuses values beyond 2^53 - 1', () => {
    expect(() => toSafeNumber(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toThrow(RangeError);
  });

  it.each<[string, unknown, boolean]>([
    ['amount 0', { type: 'AMOUNT_OFF', amount: 0 }, true],
    ['amount 500', { type: 'AMOUNT_OFF', amount: 500 }, true],
    ['negative amount', { type: 'AMOUNT_OFF', amount: -1 }, false],
    ['fractional amount', { type: 'AMOUNT_OFF', amount: 1.5 }, false],
    ['percent 1', { type: 'PERCENT_OFF', percent: 1 }, true],
    ['percent 100 with cap', { type: 'PERCENT_OFF', percent: 100, maxDiscount: 10 }, true],
    ['percent with null cap', { type: 'PERCENT_OFF', percent: 10, maxDiscount: null }, true],
    ['percent 0', { type: 'PERCENT_OFF', percent: 0 }, false],
    ['percent 101', { type: 'PERCENT_OFF', percent: 101 }, false],
    ['percent 12.5', { type: 'PERCENT_OFF', percent: 12.5 }, false],
    ['negative cap', { type: 'PERCENT_OFF', percent: 10, maxDiscount: -1 }, false],
    ['unknown type', { type: 'BOGO' }, false],
  ])('assertDiscount: %s', (_name, discount, ok) => {
    if (ok) expect(assertDiscount(discount as Discount)).toBe(discount);
    else expect(() => assertDiscount(discount as Discount)).toThrow(RangeError);
  });
});
