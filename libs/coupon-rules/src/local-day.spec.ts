import { DEFAULT_COUPON_TIME_ZONE } from '@coupons/contracts';
import { localDayOf } from './local-day';

const at = (iso: string) => Date.parse(iso);

describe('localDayOf', () => {
  it('counts the day in the zone, not in UTC', () => {
    // 16:00Z is midnight in Shanghai (UTC+8, no DST).
    expect(localDayOf(at('2026-03-10T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2026-03-10');
    expect(localDayOf(at('2026-03-10T16:00:00.000Z'), 'Asia/Shanghai')).toBe('2026-03-11');
    expect(localDayOf(at('2026-03-10T16:00:00.000Z'), 'UTC')).toBe('2026-03-10');
    expect(localDayOf(at('2026-03-10T03:00:00.000Z'), 'America/Los_Angeles')).toBe('2026-03-09');
  });

  it('starts a day at local midnight on both sides of a DST change', () => {
    // Europe/Berlin goes to CEST on 2026-03-29 (01:00Z) and back on 2026-10-25 (01:00Z).
    expect(localDayOf(at('2026-03-28T22:59:59.999Z'), 'Europe/Berlin')).toBe('2026-03-28'); // 23:59:59 CET
    expect(localDayOf(at('2026-03-28T23:00:00.000Z'), 'Europe/Berlin')).toBe('2026-03-29'); // 00:00 CET
    expect(localDayOf(at('2026-03-29T21:59:59.999Z'), 'Europe/Berlin')).toBe('2026-03-29'); // 23:59:59 CEST: a 23-hour day
    expect(localDayOf(at('2026-03-29T22:00:00.000Z'), 'Europe/Berlin')).toBe('2026-03-30');
    expect(localDayOf(at('2026-10-24T21:59:59.999Z'), 'Europe/Berlin')).toBe('2026-10-24'); // 23:59:59 CEST
    expect(localDayOf(at('2026-10-24T22:00:00.000Z'), 'Europe/Berlin')).toBe('2026-10-25'); // 00:00 CEST
    expect(localDayOf(at('2026-10-25T22:59:59.999Z'), 'Europe/Berlin')).toBe('2026-10-25'); // 23:59:59 CET: a 25-hour day
    expect(localDayOf(at('2026-10-25T23:00:00.000Z'), 'Europe/Berlin')).toBe('2026-10-26');
  });

  it('follows a southern-hemisphere DST and a half-hour zone', () => {
    // Australia/Sydney is UTC+11 (AEDT) in January, UTC+10 in July.
    expect(localDayOf(at('2026-01-14T12:59:59.999Z'), 'Australia/Sydney')).toBe('2026-01-14');
    expect(localDayOf(at('2026-01-14T13:00:00.000Z'), 'Australia/Sydney')).toBe('2026-01-15');
    expect(localDayOf(at('2026-07-14T13:59:59.999Z'), 'Australia/Sydney')).toBe('2026-07-14');
    expect(localDayOf(at('2026-07-14T14:00:00.000Z'), 'Australia/Sydney')).toBe('2026-07-15');
    // Asia/Kolkata is UTC+05:30.
    expect(localDayOf(at('2026-05-01T18:29:59.999Z'), 'Asia/Kolkata')).toBe('2026-05-01');
    expect(localDayOf(at('2026-05-01T18:30:00.000Z'), 'Asia/Kolkata')).toBe('2026-05-02');
  });

  it('rolls over months and years', () => {
    expect(localDayOf(at('2026-12-31T16:00:00.000Z'), DEFAULT_COUPON_TIME_ZONE)).toBe('2027-01-01');
    expect(localDayOf(at('2028-02-28T16:00:00.000Z'), DEFAULT_COUPON_TIME_ZONE)).toBe('2028-02-29');
  });

  it('refuses an unknown zone and a non-instant', () => {
    expect(() => localDayOf(0, 'Mars/Olympus')).toThrow(RangeError);
    expect(() => localDayOf(Number.NaN, 'UTC')).toThrow(RangeError);
  });
});
