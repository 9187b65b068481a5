import { CreateCouponRequest, couponCrossFieldProblems } from './create-coupon.dto';

const NOW = Date.UTC(2026, 11, 1, 12);
const base = { title: 't', discount: { type: 'AMOUNT_OFF', amount: 1 }, totalQuantity: 1 } as CreateCouponRequest;
const fieldsOf = (extra: Partial<CreateCouponRequest>) => couponCrossFieldProblems({ ...base, ...extra }, NOW).map((p) => p.field);

describe('coupon rules between fields and against the clock', () => {
  it.each<[string, Partial<CreateCouponRequest>, string[]]>([
    ['nothing dated', {}, []],
    ['a future window and validity', { claimableFrom: '2026-12-02T00:00:00Z', claimableUntil: '2026-12-31T00:00:00Z', validUntil: '2027-01-31T00:00:00Z' }, []],
    ['a past claimableFrom alone (already open)', { claimableFrom: '2026-01-01T00:00:00Z' }, []],
    ['a past validUntil', { validUntil: '2026-11-30T00:00:00Z' }, ['validUntil']],
    ['validUntil now', { validUntil: '2026-12-01T12:00:00Z' }, ['validUntil']],
    ['a past claimableUntil', { claimableUntil: '2026-12-01T19:59:59+08:00' }, ['claimableUntil']],
    ['claimableFrom after claimableUntil', { claimableFrom: '2027-02-01T00:00:00Z', claimableUntil: '2027-01-01T00:00:00Z' }, ['claimableFrom']],
    ['validUntil before claimableFrom', { claimableFrom: '2027-02-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' }, ['validUntil']],
    ['both validity forms', { validDaysAfterClaim: 3, validUntil: '2027-01-01T00:00:00Z' }, ['validUntil']],
  ])('%s', (_, extra, fields) => {
    expect(fieldsOf(extra)).toEqual(fields);
  });
});
