import { decodeSortKeyCursor, encodeSortKeyCursor } from './sort-key-cursor';

/** Where a page of a merchant's stores, products or coupons ends: the last row's createdAt and id (the sort key). */
export interface AdminListCursor {
  createdAt: string;
  id: string;
}

/** The opaque `nextCursor` of GET /v1/admin/stores|products|coupons. */
export function encodeAdminListCursor(cursor: AdminListCursor): string {
  return encodeSortKeyCursor(cursor.createdAt, cursor.id);
}

/** The sort key of a cursor made by encodeAdminListCursor, or null for anything else. */
export function decodeAdminListCursor(text: string): AdminListCursor | null {
  const key = decodeSortKeyCursor(text);
  return key && { createdAt: key.time, id: key.id };
}
