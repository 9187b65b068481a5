import { CouponTarget } from './coupon';
import { hasProductTarget, itemMatchesTarget, storeListed, targetMatchScore, Targetable } from './targeting';

const milk: Targetable = { sku: 'SKU-MILK', category: 'dairy', brand: 'acme' };
const bare: Targetable = { sku: 'SKU-BARE' };

describe('targeting', () => {
  it.each<[string, CouponTarget | null | undefined, boolean]>([
    ['undefined', undefined, false],
    ['null', null, false],
    ['empty object', {}, false],
    ['empty lists', { skus: [], categories: [], brands: [] }, false],
    ['null lists', { skus: null, categories: null, brands: null }, false],
    ['skus', { skus: ['A'] }, true],
    ['categories', { categories: ['dairy'] }, true],
    ['brands', { brands: ['acme'] }, true],
  ])('hasProductTarget(%s) = %p', (_name, target, expected) => {
    expect(hasProductTarget(target)).toBe(expected);
  });

  it.each<[string, Targetable, CouponTarget | undefined, number, boolean]>([
    ['sku listed', milk, { skus: ['SKU-MILK'] }, 4, true],
    ['sku listed beats category', milk, { skus: ['SKU-MILK'], categories: ['dairy'] }, 4, true],
    ['category listed', milk, { categories: ['dairy'] }, 2, true],
    ['brand listed', milk, { brands: ['acme'] }, 2, true],
    ['category and brand listed', milk, { categories: ['dairy'], brands: ['acme'] }, 2, true],
    ['nothing listed matches', milk, { skus: ['X'], categories: ['bakery'], brands: ['other'] }, 0, false],
    ['category name is not a brand', milk, { brands: ['dairy'] }, 0, false],
    ['item without category/brand', bare, { categories: ['dairy'], brands: ['acme'] }, 0, false],
    ['whole order', milk, {}, 0, true],
    ['absent target', milk, undefined, 0, true],
  ])('%s: score %p, matches %p', (_name, item, target, score, matches) => {
    expect(targetMatchScore(item, target)).toBe(score);
    expect(itemMatchesTarget(item, target)).toBe(matches);
  });

  it.each<[readonly string[] | null | undefined, string | null | undefined, boolean]>([
    [['S1'], 'S1', true],
    [['S1'], 'S2', false],
    [['S1'], undefined, false],
    [['S1'], null, false],
    [[], 'S1', false],
    [undefined, 'S1', false],
  ])('storeListed(%p, %p) = %p', (storeIds, storeId, expected) => {
    expect(storeListed(storeIds, storeId)).toBe(expected);
  });
});
