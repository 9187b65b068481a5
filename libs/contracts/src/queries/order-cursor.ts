import { ID_PATTERN } from '../values';

/** Where a page of a user's orders ends: the last order's processedAt and orderId (the sort key). */
export interface OrderCursor {
  processedAt: string;
  orderId: string;
}

/** The opaque `nextCursor` of GET /v1/orders: base64url of the sort key, so terminals never parse it. */
export function encodeOrderCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify([cursor.processedAt, cursor.orderId]), 'utf8').toString('base64url');
}

/** The sort key of a cursor made by encodeOrderCursor, or null for anything else. */
export function decodeOrderCursor(text: string): OrderCursor | null {
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(text)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [processedAt, orderId] = parsed as unknown[];
  if (typeof processedAt !== 'string' || Number.isNaN(Date.parse(processedAt)) || !/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(processedAt)) return null;
  if (typeof orderId !== 'string' || !ID_PATTERN.test(orderId)) return null;
  return { processedAt, orderId };
}
