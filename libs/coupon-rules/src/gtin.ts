import { isValid as gtinCheckDigitValid } from 'gtin';

/** ASCII digits in a GTIN length (8, 12, 13 or 14). `\d` is ASCII-only in JS regexps. */
const GTIN_SHAPE = /^(?:\d{8}|\d{12,14})$/;

/**
 * Whether a string is a GTIN-8, GTIN-12, GTIN-13 or GTIN-14 with a correct GS1 check digit.
 * Strict: exactly 8/12/13/14 ASCII digits, no whitespace or separators. (The `gtin` package
 * throws on non-digit, empty or wrong-length input, so the shape is checked first.)
 *
 * @param gtin - candidate
 * @returns true when valid
 */
export function isValidGtin(gtin: string): boolean {
  return typeof gtin === 'string' && GTIN_SHAPE.test(gtin) && gtinCheckDigitValid(gtin);
}

/**
 * Normalizes a valid GTIN to GTIN-14 by left-padding with zeros (the check digit is unchanged by
 * leading zeros).
 *
 * @param gtin - GTIN-8/12/13/14
 * @returns the 14-digit form, or null when `gtin` is not a valid GTIN
 */
export function toGtin14(gtin: string): string | null {
  return isValidGtin(gtin) ? gtin.padStart(14, '0') : null;
}
