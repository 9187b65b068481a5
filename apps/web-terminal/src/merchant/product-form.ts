import type { Translate } from '../shared/i18n';
import { CURRENCY_PATTERN, ID_PATTERN, LIMITS, Problems, fromMinor, isValidGtin, toMinor } from './form-values';
import type { Checked } from './coupon-form';
import type { DisplayItem, MerchantProduct } from './merchant-api';

export interface ProductDraft {
  sku: string;
  name: string;
  price: string;
  currency: string;
  gtin: string;
  category: string;
  brand: string;
}

export const EMPTY_PRODUCT: ProductDraft = { sku: '', name: '', price: '', currency: 'CNY', gtin: '', category: '', brand: '' };

export function productDraft(p: MerchantProduct): ProductDraft {
  return { sku: p.sku, name: p.name, price: fromMinor(p.price), currency: p.currency, gtin: p.gtin ?? '', category: p.category ?? '', brand: p.brand ?? '' };
}

export type ProductBody = Pick<MerchantProduct, 'name' | 'price' | 'currency'> & { gtin?: string; category?: string; brand?: string };

/** PUT /v1/admin/products/:sku's body (the sku goes in the path), checked as UpsertProductRequest checks it. */
export function productRequest(d: ProductDraft, t: Translate): Checked<{ sku: string; body: ProductBody }> {
  const p: Problems = {};
  const sku = d.sku.trim();
  if (!sku) p.sku = t('mRequired');
  else if (!ID_PATTERN.test(sku)) p.sku = t('mId');
  const name = d.name.trim();
  if (!name) p.name = t('mRequired');
  else if (name.length > LIMITS.nameLength) p.name = t('mTooLong', { max: LIMITS.nameLength });
  const price = toMinor(d.price);
  if (price === null || price > LIMITS.maxMoney) p.price = t('mMoney');
  const currency = d.currency.trim().toUpperCase() || 'CNY';
  if (!CURRENCY_PATTERN.test(currency)) p.currency = t('mCurrency');
  const gtin = d.gtin.replace(/\s/g, '');
  if (gtin && !isValidGtin(gtin)) p.gtin = t('mGtin');
  const category = d.category.trim();
  const brand = d.brand.trim();
  if (category.length > LIMITS.tagLength) p.category = t('mTooLong', { max: LIMITS.tagLength });
  if (brand.length > LIMITS.tagLength) p.brand = t('mTooLong', { max: LIMITS.tagLength });
  if (Object.keys(p).length || price === null) return { ok: false, problems: p };
  return { ok: true, body: { sku, body: { name, price, currency, ...(gtin ? { gtin } : {}), ...(category ? { category } : {}), ...(brand ? { brand } : {}) } } };
}

export const productFormField = (path: string): string | null => (path in EMPTY_PRODUCT ? path : null);

/**
 * The promoted-products editor's rows → PUT .../displays' items, one item per row (so the API's `items[N].sku`
 * names row N); problems keyed `items.N.field` like the API's.
 */
export function displaysRequest(rows: DisplayItem[], t: Translate): Checked<DisplayItem[]> {
  const p: Problems = {};
  const items: DisplayItem[] = [];
  rows.forEach((row, n) => {
    const sku = row.sku.trim();
    const headline = row.headline.trim();
    if (!sku) p[`items.${n}.sku`] = t('mRequired');
    else if (!ID_PATTERN.test(sku)) p[`items.${n}.sku`] = t('mId');
    if (!headline) p[`items.${n}.headline`] = t('mRequired');
    else if (headline.length > LIMITS.nameLength) p[`items.${n}.headline`] = t('mTooLong', { max: LIMITS.nameLength });
    items.push({ sku, headline });
  });
  if (items.length > LIMITS.displays) p.items = t('mTooMany', { max: LIMITS.displays });
  return Object.keys(p).length ? { ok: false, problems: p } : { ok: true, body: items };
}
