import { DEMO_DISPLAYS, DEMO_EXAMPLES, DEMO_PRODUCTS, DEMO_STORES, demoCoupons } from './demo-data';

/** GS1 check digit, computed here independently of the rules library. */
function gs1CheckDigitOk(code: string): boolean {
  const digits = [...code].map(Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

describe('demo data', () => {
  it.each(DEMO_PRODUCTS.map((p) => [p.sku, p.gtin]))('%s has a valid GTIN-13 (%s)', (_sku, gtin) => {
    expect(gtin).toMatch(/^\d{13}$/);
    expect(gs1CheckDigitOk(gtin)).toBe(true);
  });

  it('has unique skus, GTINs and store ids', () => {
    expect(new Set(DEMO_PRODUCTS.map((p) => p.sku)).size).toBe(DEMO_PRODUCTS.length);
    expect(new Set(DEMO_PRODUCTS.map((p) => p.gtin)).size).toBe(DEMO_PRODUCTS.length);
    expect(new Set(DEMO_STORES.map((s) => s.storeId)).size).toBe(DEMO_STORES.length);
  });

  it('covers every coupon kind', () => {
    const coupons = demoCoupons(new Date('2026-01-01T00:00:00Z')).map((c) => c.body as any);
    expect(coupons.some((c) => c.discount.type === 'AMOUNT_OFF')).toBe(true);
    expect(coupons.some((c) => c.discount.type === 'PERCENT_OFF' && c.discount.maxDiscount)).toBe(true);
    expect(coupons.some((c) => c.minSpend)).toBe(true);
    expect(coupons.some((c) => c.target?.skus)).toBe(true);
    expect(coupons.some((c) => c.target?.categories)).toBe(true);
    expect(coupons.some((c) => c.target?.brands)).toBe(true);
    expect(coupons.some((c) => c.storeIds)).toBe(true);
    expect(coupons.some((c) => !c.target && !c.storeIds)).toBe(true);
  });

  it('refers only to known skus, brands, categories and stores', () => {
    const skus = new Set(DEMO_PRODUCTS.map((p) => p.sku));
    const stores = new Set(DEMO_STORES.map((s) => s.storeId));
    for (const { body } of demoCoupons()) {
      const c = body as any;
      for (const s of c.target?.skus ?? []) expect(skus).toContain(s);
      for (const b of c.target?.brands ?? []) expect(DEMO_PRODUCTS.map((p) => p.brand)).toContain(b);
      for (const k of c.target?.categories ?? []) expect(DEMO_PRODUCTS.map((p) => p.category)).toContain(k);
      for (const s of c.storeIds ?? []) expect(stores).toContain(s);
      expect(c.totalQuantity).toBeGreaterThanOrEqual(1);
    }
    for (const d of DEMO_DISPLAYS) {
      expect(stores).toContain(d.storeId);
      for (const i of d.items) expect(skus).toContain(i.sku);
    }
    expect(DEMO_PRODUCTS.map((p) => p.gtin)).toContain(DEMO_EXAMPLES.scan.code);
    expect(stores).toContain(DEMO_EXAMPLES.scan.storeId);
  });
});
