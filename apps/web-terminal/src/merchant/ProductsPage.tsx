import { FormEvent, useCallback, useState } from 'react';
import { useTerminal } from '../app/terminal-context';
import { formatMoney } from '../shared/format';
import { Field, FormProblems } from './Field';
import { FormErrors, NO_ERRORS, formErrors, withoutField } from './field-errors';
import { LIMITS } from './form-values';
import { ListNote } from './ListNote';
import { MerchantProduct } from './merchant-api';
import { useMerchant } from './merchant-context';
import { withSaved } from './paging';
import { EMPTY_PRODUCT, ProductDraft, productDraft, productFormField, productRequest } from './product-form';
import { useList } from './use-list';
import { useSettled } from './use-settled';

const productKey = (p: MerchantProduct) => p.sku;

/** Create or edit a product (PUT /v1/admin/products/:sku): the sku is fixed once the product exists. */
function ProductForm({ editing, onSaved, onCancel }: { editing: MerchantProduct | null; onSaved: (p: MerchantProduct) => void; onCancel: () => void }) {
  const { t } = useTerminal();
  const { merchant } = useMerchant();
  const [draft, setDraft] = useState<ProductDraft>(editing ? productDraft(editing) : EMPTY_PRODUCT);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<ProductDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setErrors((e) => withoutField(e, ...Object.keys(patch)));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = productRequest(draft, t);
    if (!checked.ok) return setErrors({ fields: checked.problems, top: [] });
    setBusy(true);
    try {
      onSaved(await merchant.putProduct(checked.body.sku, checked.body.body));
      setErrors(NO_ERRORS);
      if (!editing) setDraft(EMPTY_PRODUCT);
    } catch (err) {
      setErrors(formErrors(err, productFormField, t('networkError')));
    } finally {
      setBusy(false);
    }
  }

  const text = (name: keyof ProductDraft, label: string, extra: { maxLength?: number; inputMode?: 'decimal' | 'numeric'; readOnly?: boolean } = {}) => (
    <Field label={label} error={errors.fields[name]}>
      {(p) => <input {...p} {...extra} value={draft[name]} onChange={(e) => set({ [name]: e.target.value })} autoCapitalize="none" />}
    </Field>
  );
  return (
    <form className="stack card" onSubmit={submit} noValidate aria-label={editing ? t('mEditProduct', { name: editing.name }) : t('mNewProduct')}>
      <h3>{editing ? t('mEditProduct', { name: editing.name }) : t('mNewProduct')}</h3>
      <FormProblems errors={errors} />
      <div className="grid-2">
        {text('sku', t('mSku'), { maxLength: 64, readOnly: !!editing })}
        {text('name', t('mName'), { maxLength: LIMITS.nameLength })}
        {text('price', t('mPrice'), { inputMode: 'decimal' })}
        {text('currency', t('mCurrencyField'), { maxLength: 3 })}
        {text('gtin', t('mGtinField'), { inputMode: 'numeric', maxLength: 14 })}
        {text('category', t('mCategory'), { maxLength: LIMITS.tagLength })}
        {text('brand', t('mBrand'), { maxLength: LIMITS.tagLength })}
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>{t('mSaveProduct')}</button>
        {editing && <button type="button" onClick={onCancel}>{t('mCancel')}</button>}
      </div>
    </form>
  );
}

export function ProductsPage() {
  const { t, locale } = useTerminal();
  const { merchant, saved, remember } = useMerchant();
  const [filters, setFilters] = useState({ q: '', category: '', brand: '' });
  const settled = useSettled(filters);
  const load = useCallback((cursor: string | null) => merchant.products(settled, cursor), [merchant, settled]);
  const list = useList(load, productKey, t('networkError'));
  const [editing, setEditing] = useState<MerchantProduct | null>(null);
  // What was saved in this visit, filtered here as the API filters the list (the API's search stays the judge).
  const q = settled.q.trim().toLowerCase();
  const matches = (p: MerchantProduct) => (!q || [p.name, p.sku, p.gtin ?? ''].some((v) => v.toLowerCase().includes(q)))
    && (!settled.category.trim() || p.category === settled.category.trim()) && (!settled.brand.trim() || p.brand === settled.brand.trim());
  const products = withSaved(saved.products, list.items, productKey, matches);

  return (
    <section className="panel">
      <h2>{t('mProductsTitle')}</h2>
      <ProductForm key={editing?.sku ?? 'new'} editing={editing} onCancel={() => setEditing(null)} onSaved={(p) => { remember('products', p); setEditing(null); list.reload(); }} />
      <div className="grid-3 filters" role="search">
        <label>{t('mSearch')}<input type="search" value={filters.q} placeholder={t('mSearchHint')} onChange={(e) => setFilters((f) => ({ ...f, q: e.target.value }))} /></label>
        <label>{t('mCategory')}<input value={filters.category} onChange={(e) => setFilters((f) => ({ ...f, category: e.target.value }))} /></label>
        <label>{t('mBrand')}<input value={filters.brand} onChange={(e) => setFilters((f) => ({ ...f, brand: e.target.value }))} /></label>
      </div>
      <ListNote list={list} />
      {products.length === 0 && !list.loading ? <p>{t('mNoProducts')}</p> : (
        <ul className="m-list" aria-label={t('mProductsTitle')}>
          {products.map((p) => (
            <li key={p.sku} className="card">
              <div className="m-item-head">
                <h3>{p.name}</h3>
                <span className="price">{formatMoney(p.price, p.currency, locale)}</span>
              </div>
              <p className="hint"><code>{p.sku}</code>{p.gtin ? ` · ${p.gtin}` : ''}{p.category ? ` · ${p.category}` : ''}{p.brand ? ` · ${p.brand}` : ''}</p>
              <button type="button" onClick={() => setEditing(p)}>{t('mEditProduct', { name: p.name })}</button>
            </li>
          ))}
        </ul>
      )}
      {list.hasMore && <button type="button" onClick={list.more} disabled={list.loading}>{t('mMore')}</button>}
    </section>
  );
}
