import { EpochMs } from './coupon';

// One formatter per zone: building one is the expensive part, and the claim hot path asks for the same few zones.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // en-CA formats as YYYY-MM-DD; the parts are read by type anyway, so the locale's order does not matter.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', calendar: 'iso8601', numberingSystem: 'latn' });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The calendar day ('YYYY-MM-DD') that the instant falls on in the time zone: the day a daily cap counts it in.
 * A day starts at local midnight, whatever its length (23 or 25 hours on a DST change). The tz rules are the
 * runtime's (Intl), never a table of our own.
 *
 * @throws RangeError for a zone Intl does not know, or an instant that is not a finite number
 */
export function localDayOf(instant: EpochMs, timeZone: string): string {
  if (!Number.isFinite(instant)) throw new RangeError(`instant must be a finite epoch-ms number, got ${instant}`);
  const parts = formatterFor(timeZone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}
