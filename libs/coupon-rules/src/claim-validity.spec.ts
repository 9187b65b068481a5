import { claimValidUntil as sut, DAY_MS } from './claim-validity';
import { CouponDefinition } from './coupon';
import { HOUR, T0 } from './testing/builders';

type Validity = Pick<CouponDefinition, 'validDaysAfterClaim' | 'validUntil' | 'claimableUntil'>;

describe('claimValidUntil', () => {
  const claimedAt = T0 + 5 * HOUR;

  it.each<[string, Validity, number | null]>([
    ['validDaysAfterClaim → claimedAt + N days', { validDaysAfterClaim: 7 }, claimedAt + 7 * DAY_MS],
    ['validDaysAfterClaim wins over validUntil and claimableUntil', { validDaysAfterClaim: 1, validUntil: T0, claimableUntil: T0 }, claimedAt + DAY_MS],
    ['validDaysAfterClaim 0 → claimedAt', { validDaysAfterClaim: 0 }, claimedAt],
    ['validUntil when no days', { validUntil: T0 + 30 * DAY_MS, claimableUntil: T0 + DAY_MS }, T0 + 30 * DAY_MS],
    ['null days fall through to validUntil', { validDaysAfterClaim: null, validUntil: T0 + DAY_MS }, T0 + DAY_MS],
    ['neither → claimableUntil', { claimableUntil: T0 + 2 * DAY_MS }, T0 + 2 * DAY_MS],
    ['nothing → null (never expires)', {}, null],
    ['all null → null', { validDaysAfterClaim: null, validUntil: null, claimableUntil: null }, null],
  ])('%s', (_name, coupon, expected) => {
    expect(sut(coupon, claimedAt)).toBe(expected);
  });

  it.each([-1, 1.5, NaN])('rejects validDaysAfterClaim %p', (days) => {
    expect(() => sut({ validDaysAfterClaim: days }, claimedAt)).toThrow(RangeError);
  });
});
