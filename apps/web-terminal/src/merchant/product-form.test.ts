import { describe, expect, it } from 'vitest';
import { translator } from '../shared/i18n';
import { fromMinor, isValidGtin, toMinor } from './form-values';
import { EMPTY_PRODUCT, displaysRequest, productDraft, productRequest } from './product-form';

const t = translator('en');

describe('money and codes as typed', () => {
  it('reads yuan into fen and back', () => {
    expect([toMinor('15.9'), toMinor('15,90'), toMinor('0'), toMinor('1.234'), toMinor('-1'), toMinor('')]).toEqual([1590, 1590, 0, null, null, null]);
    expect([fromMinor(1590), fromMinor(5), fromMinor(0)]).toEqual(['15.90', '0.05', '0.00']);
  });

  it('checks a GTIN\'s check digit', () => {
    expect([isValidGtin('6901234567892'), isValidGtin('6901234567893'), isValidGtin('96385074'), isValidGtin('123')]).toEqual([true, false, true, false]);
  });
});

describe('the product form as PUT /v1/admin/products/:sku', () => {
  it('sends the product, optional fields only when given', () => {
    expect(productRequest({ ...EMPTY_PRODUCT, sku: 'milk', name: ' Milk ', price: '15.9' }, t))
      .toEqual({ ok: true, body: { sku: 'milk', body: { name: 'Milk', price: 1590, currency: 'CNY' } } });
    const product = { sku: 'tea', name: 'Tea', price: 450, currency: 'CNY', gtin: '06901234567892', category: 'drinks', brand: 'Leaf' };
    expect(productRequest(productDraft(product), t)).toEqual({ ok: true, body: { sku: 'tea', body: { name: 'Tea', price: 450, currency: 'CNY', gtin: '06901234567892', category: 'drinks', brand: 'Leaf' } } });
  });

  it('refuses what UpsertProductRequest refuses', () => {
    const r = productRequest({ ...EMPTY_PRODUCT, sku: 'has space', name: '', price: 'free', currency: 'yuan', gtin: '6901234567893' }, t);
    expect(r.ok ? [] : Object.keys(r.problems)).toEqual(['sku', 'name', 'price', 'currency', 'gtin']);
  });
});

describe('the promoted products editor as PUT .../displays', () => {
  it('sends one item per row and names a bad row as the API does (items.N.field)', () => {
    expect(displaysRequest([{ sku: ' tea ', headline: 'Fresh' }], t)).toEqual({ ok: true, body: [{ sku: 'tea', headline: 'Fresh' }] });
    expect(displaysRequest([{ sku: 'tea', headline: 'Fresh' }, { sku: '', headline: 'x' }], t)).toEqual({ ok: false, problems: { 'items.1.sku': 'Required.' } });
  });
});
