import { CouponTarget, OrderLine } from './coupon';
import { eligibleAmount, lineTotal, priceOrder as sut } from './order-pricing';
import { aLine } from './testing/builders';

const milk = aLine({ sku: 'SKU-MILK', quantity: 2, unitPrice: 1500, category: 'dairy', brand: 'acme' }); // 3000
const bread = aLine({ sku: 'SKU-BREAD', quantity: 1, unitPrice: 800, category: 'bakery', brand: 'bakeco' }); // 800
const cheese = aLine({ sku: 'SKU-CHEESE', quantity: 3, unitPrice: 1000, category: 'dairy', brand: 'other' }); // 3000
const soap = aLine({ sku: 'SKU-SOAP', quantity: 1, unitPrice: 500, category: null, brand: null }); // 500
const basket = [milk, bread, cheese, soap];

describe('priceOrder', () => {
  it.each<[string, OrderLine[], number[], number]>([
    ['empty order', [], [], 0],
    ['one line', [milk], [3000], 3000],
    ['mixed basket', basket, [3000, 800, 3000, 500], 7300],
    ['free item', [aLine({ unitPrice: 0, quantity: 5 })], [0], 0],
    ['large integers stay exact', [aLine({ unitPrice: 3_000_000_000_001, quantity: 3 }), aLine({ unitPrice: 1, quantity: 1 })], [9_000_000_000_003, 1], 9_000_000_000_004],
  ])('%s', (_name, lines, totals, subtotal) => {
    const result = sut(lines);
    expect(result.lines.map((line) => line.lineTotal)).toEqual(totals);
    expect(result.subtotal).toBe(subtotal);
  });

  it.each<[string, Partial<OrderLine>]>([
    ['zero quantity', { quantity: 0 }],
    ['fractional quantity', { quantity: 1.5 }],
    ['negative price', { unitPrice: -1 }],
    ['fractional price', { unitPrice: 9.99 }],
    ['line total beyond 2^53', { unitPrice: Number.MAX_SAFE_INTEGER, quantity: 2 }],
  ])('rejects %s', (_name, overrides) => {
    expect(() => sut([aLine(overrides)])).toThrow(RangeError);
  });

  it('rejects a subtotal beyond 2^53', () => {
    const half = aLine({ unitPrice: 2 ** 52, quantity: 1 });
    expect(() => sut([half, half])).toThrow(RangeError);
  });

  it('lineTotal multiplies exactly', () => {
    expect(lineTotal(aLine({ unitPrice: 999_999_999_999, quantity: 999 }))).toBe(998_999_999_999_001);
  });
});

describe('eligibleAmount', () => {
  it.each<[string, CouponTarget | undefined, number]>([
    ['whole order (empty target)', {}, 7300],
    ['whole order (absent target)', undefined, 7300],
    ['by sku', { skus: ['SKU-MILK'] }, 3000],
    ['by category', { categories: ['dairy'] }, 6000],
    ['by brand', { brands: ['bakeco'] }, 800],
    ['sku or category or brand (union, each line once)', { skus: ['SKU-MILK'], categories: ['dairy'], brands: ['acme', 'bakeco'] }, 6800],
    ['nothing matches', { skus: ['SKU-NONE'], categories: ['toys'] }, 0],
    ['line without category/brand only via sku', { skus: ['SKU-SOAP'], categories: ['dairy'] }, 6500],
  ])('%s → %p', (_name, target, expected) => {
    expect(eligibleAmount(target, basket)).toBe(expected);
  });
});
