/** The cart: products added from scans, kept in this tab; quantities 1..999 as the API allows. */
export interface CartLine {
  sku: string;
  name: string;
  /** Shown only: the order is priced by the server from the catalog. */
  unitPrice: number;
  currency: string;
  quantity: number;
}

export const MAX_QUANTITY = 999;

export type CartAction =
  | { type: 'add'; product: Omit<CartLine, 'quantity'> }
  | { type: 'setQuantity'; sku: string; quantity: number }
  | { type: 'remove'; sku: string }
  | { type: 'clear' };

const clamp = (q: number) => Math.max(1, Math.min(MAX_QUANTITY, Math.floor(q)));

export function cartReducer(lines: CartLine[], action: CartAction): CartLine[] {
  switch (action.type) {
    case 'add': {
      const existing = lines.find((l) => l.sku === action.product.sku);
      if (existing) return lines.map((l) => (l.sku === action.product.sku ? { ...l, quantity: clamp(l.quantity + 1) } : l));
      return [...lines, { ...action.product, quantity: 1 }];
    }
    case 'setQuantity':
      if (!Number.isFinite(action.quantity)) return lines;
      if (action.quantity < 1) return lines.filter((l) => l.sku !== action.sku);
      return lines.map((l) => (l.sku === action.sku ? { ...l, quantity: clamp(action.quantity) } : l));
    case 'remove':
      return lines.filter((l) => l.sku !== action.sku);
    case 'clear':
      return [];
  }
}

/** The estimate shown before ordering (the server's answer has the real subtotal and discount). */
export function cartEstimate(lines: CartLine[]): number {
  return lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
}

/** The body of POST /v1/orders: no couponId, so the server applies the best claimed coupon. */
export function orderRequest(storeId: string, lines: CartLine[]): { storeId: string; items: Array<{ sku: string; quantity: number }> } {
  return { storeId, items: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) };
}
