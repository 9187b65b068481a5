import { ID_PATTERN } from '../values';

/**
 * The opaque cursors of the newest-first lists: base64url of a page's last sort key [time, id], so clients never
 * parse them. One format for every list (orders, a merchant's stores, products and coupons).
 */
export function encodeSortKeyCursor(time: string, id: string): string {
  return Buffer.from(JSON.stringify([time, id]), 'utf8').toString('base64url');
}

/** The [time, id] of a cursor made by encodeSortKeyCursor (an ISO-8601 UTC time and an id), or null for anything else. */
export function decodeSortKeyCursor(text: string): { time: string; id: string } | null {
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(text)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [time, id] = parsed as unknown[];
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time)) || !/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(time)) return null;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) return null;
  return { time, id };
}
