import { decodeSortKeyCursor, encodeSortKeyCursor } from './sort-key-cursor';

/** Where a page of a user's orders ends: the last order's processedAt and orderId (the sort key). */
export interface OrderCursor {
  processedAt: string;
  orderId: string;
}

/** The opaque `nextCursor` of GET /v1/orders. */
export function encodeOrderCursor(cursor: OrderCursor): string {
  return encodeSortKeyCursor(cursor.processedAt, cursor.orderId);
}

/** The sort key of a cursor made by encodeOrderCursor, or null for anything else. */
export function decodeOrderCursor(text: string): OrderCursor | null {
  const key = decodeSortKeyCursor(text);
  return key && { processedAt: key.time, orderId: key.id };
}
