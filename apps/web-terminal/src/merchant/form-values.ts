/**
 * The API's limits that the console's forms check before sending (apps/scan-gateway/src/admin/dto). Copied as
 * numbers, not imported: the contracts' value module carries class-validator decorators, which the web bundle
 * leaves out. The API stays the judge; these only spare a round trip.
 */
export const LIMITS = {
  maxMoney: 1_000_000_000_00,
  titleLength: 200,
  nameLength: 200,
  tagLength: 64,
  totalQuantity: 100_000_000,
  perUserLimit: 1_000_000,
  validDays: 3650,
  priority: 1_000_000,
  skusPerCoupon: 500,
  tagsPerCoupon: 100,
  displays: 100,
} as const;

/** Ids (store ids, skus): 1..64 printable ASCII characters, no spaces (contracts ID_PATTERN). */
export const ID_PATTERN = /^[\x21-\x7E]{1,64}$/;
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export type Problems = Record<string, string>;

/** "15.9" yuan → 1590 fen; null for anything that is not an amount with at most two decimals. */
export function toMinor(text: string): number | null {
  const m = /^(\d{1,12})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** 1590 fen → "15.90", the value a money input starts with. */
export function fromMinor(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/** A whole number in [min, max], or null. */
export function toInt(text: string, min: number, max: number): number | null {
  if (!/^-?\d+$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

/** "a, b ,, c" → ["a", "b", "c"] (skus, categories, brands typed in one field), duplicates dropped. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[,，\n]/).map((s) => s.trim()).filter(Boolean))];
}

/**
 * A `<input type="datetime-local">` value (the browser's wall clock, no zone) → an ISO instant; '' → null;
 * undefined for a value that is no time.
 */
export function localInputToIso(value: string): string | null | undefined {
  if (!value.trim()) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** An ISO instant → the datetime-local value showing it on this browser's clock (minutes). */
export function isoToLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** An IANA time zone the browser knows (Asia/Shanghai); the gateway checks against its own list. */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** GTIN-8/12/13/14 with its check digit (the gateway's IsGtin rule). */
export function isValidGtin(code: string): boolean {
  if (!/^(\d{8}|\d{12,14})$/.test(code)) return false;
  const digits = [...code].map(Number);
  const check = digits.pop() as number;
  const sum = digits.reverse().reduce((s, d, i) => s + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}
