import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * The one form of date-time the API takes (DESIGN §4: ISO-8601): `YYYY-MM-DDTHH:mm:ss`, optional `.s` to `.sss`,
 * then `Z` or `±hh:mm`. Week dates (`2026-W01-1`), basic format (`20260101T000000Z`), dates without a time and
 * impossible dates (`2026-02-30`) are refused: each of those passed IsISO8601 and then broke `new Date()`.
 */
const API_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** Epoch milliseconds of an API timestamp, or null when `value` is not one (see {@link API_TIMESTAMP}). */
export function parseApiTimestamp(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = API_TIMESTAMP.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const millis = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (new Date(local).getUTCDate() !== day) return null; // 2026-02-30 rolls over into March
  if (m[8]) return local;
  const offsetHours = Number(m[10]);
  const offsetMinutes = Number(m[11]);
  if (offsetHours > 14 || offsetMinutes > 59) return null;
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  return m[9] === '+' ? local - offset : local + offset;
}

/** class-validator rule for every date-time field the API takes: {@link parseApiTimestamp} accepts it. */
export function IsApiTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isApiTimestamp',
      validator: {
        validate: (value: unknown) => parseApiTimestamp(value) !== null,
        defaultMessage: (args) => `${args?.property} must be a date-time like 2026-01-31T23:59:59Z (YYYY-MM-DDTHH:mm:ss[.sss] and Z or ±hh:mm)`,
      },
    },
    options,
  );
}
