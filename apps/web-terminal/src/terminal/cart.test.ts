import { describe, expect, it } from 'vitest';
import { CartLine, cartEstimate, cartReducer, orderRequest } from './cart';

const milk = { sku: 'milk-1l', name: 'Fresh Milk 1 L', unitPrice: 1590, currency: 'CNY' };
const cola = { sku: 'cola-330', name: 'Cola', unitPrice: 350, currency: 'CNY' };

describe('cart', () => {
  it('adds a product once and counts further adds as quantity', () => {
    let sut: CartLine[] = [];
    sut = cartReducer(sut, { type: 'add', product: milk });
    sut = cartReducer(sut, { type: 'add', product: cola });
    sut = cartReducer(sut, { type: 'add', product: milk });
    expect(sut.map((l) => [l.sku, l.quantity])).toEqual([['milk-1l', 2], ['cola-330', 1]]);
    expect(cartEstimate(sut)).toBe(2 * 1590 + 350);
  });

  it.each([
    [5, 5], [1000, 999], [2.7, 2], [Number.NaN, 3],
  ])('sets quantity %s as %s', (quantity, expected) => {
    const start = cartReducer([], { type: 'add', product: milk }).map((l) => ({ ...l, quantity: 3 }));
    expect(cartReducer(start, { type: 'setQuantity', sku: 'milk-1l', quantity })[0].quantity).toBe(expected);
  });

  it('removes a line set to zero, removed, or cleared', () => {
    const start = cartReducer(cartReducer([], { type: 'add', product: milk }), { type: 'add', product: cola });
    expect(cartReducer(start, { type: 'setQuantity', sku: 'milk-1l', quantity: 0 }).map((l) => l.sku)).toEqual(['cola-330']);
    expect(cartReducer(start, { type: 'remove', sku: 'cola-330' }).map((l) => l.sku)).toEqual(['milk-1l']);
    expect(cartReducer(start, { type: 'clear' })).toEqual([]);
  });

  it('orders without a couponId, so the server applies the best claimed coupon', () => {
    const lines = cartReducer([], { type: 'add', product: milk });
    const sut = orderRequest('sh-xuhui', lines);
    expect(sut).toEqual({ storeId: 'sh-xuhui', items: [{ sku: 'milk-1l', quantity: 1 }] });
    expect('couponId' in sut).toBe(false);
  });
});
