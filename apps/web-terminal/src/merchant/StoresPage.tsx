import { FormEvent, useCallback, useEffect, useState } from 'react';
import { useTerminal } from '../app/terminal-context';
import { Field, FormProblems } from './Field';
import { FormErrors, NO_ERRORS, formErrors, withoutField } from './field-errors';
import { ID_PATTERN, LIMITS } from './form-values';
import { DisplayItem, MerchantStore } from './merchant-api';
import { useMerchant } from './merchant-context';
import { withSaved } from './paging';
import { displaysRequest } from './product-form';
import { ListNote } from './ListNote';
import { useList } from './use-list';

const storeKey = (s: MerchantStore) => s.storeId;

/** Create a store or rename one (PUT /v1/admin/stores/:storeId): the id is fixed once the store exists. */
function StoreForm({ editing, onSaved, onCancel }: { editing: MerchantStore | null; onSaved: (s: MerchantStore) => void; onCancel: () => void }) {
  const { t } = useTerminal();
  const { merchant } = useMerchant();
  const [storeId, setStoreId] = useState(editing?.storeId ?? '');
  const [name, setName] = useState(editing?.name ?? '');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const fields: Record<string, string> = {};
    const id = storeId.trim();
    if (!id) fields.storeId = t('mRequired');
    else if (!ID_PATTERN.test(id)) fields.storeId = t('mId');
    if (!name.trim()) fields.name = t('mRequired');
    else if (name.trim().length > LIMITS.nameLength) fields.name = t('mTooLong', { max: LIMITS.nameLength });
    if (Object.keys(fields).length) return setErrors({ fields, top: [] });
    setBusy(true);
    try {
      onSaved(await merchant.putStore(id, name.trim()));
      setErrors(NO_ERRORS);
      if (!editing) {
        setStoreId('');
        setName('');
      }
    } catch (err) {
      setErrors(formErrors(err, (f) => (f === 'storeId' || f === 'name' ? f : null), t('networkError')));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack card" onSubmit={submit} noValidate aria-label={editing ? t('mRename', { store: editing.name }) : t('mNewStore')}>
      <h3>{editing ? t('mRename', { store: editing.name }) : t('mNewStore')}</h3>
      <FormProblems errors={errors} />
      <Field label={t('mStoreId')} error={errors.fields.storeId}>
        {(p) => <input {...p} value={storeId} onChange={(e) => { setStoreId(e.target.value); setErrors(withoutField(errors, 'storeId')); }} maxLength={64} autoCapitalize="none" readOnly={!!editing} />}
      </Field>
      <Field label={t('mStoreName')} error={errors.fields.name}>
        {(p) => <input {...p} value={name} onChange={(e) => { setName(e.target.value); setErrors(withoutField(errors, 'name')); }} maxLength={LIMITS.nameLength} />}
      </Field>
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>{t('mSaveStore')}</button>
        {editing && <button type="button" onClick={onCancel}>{t('mCancel')}</button>}
      </div>
    </form>
  );
}

/**
 * The store's promoted products (PUT /v1/admin/stores/:storeId/displays replaces the list), starting from what was
 * saved in this visit or else from what shoppers see now (MerchantApi.displays).
 */
function DisplaysEditor({ store, initial, onSaved }: { store: MerchantStore; initial: DisplayItem[] | null; onSaved: (items: DisplayItem[]) => void }) {
  const { t, notify } = useTerminal();
  const { merchant } = useMerchant();
  const [rows, setRows] = useState<DisplayItem[]>(initial ?? [{ sku: '', headline: '' }]);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  // Saving replaces the list, so Save waits until the current list is shown (an empty editor would wipe it).
  const [loading, setLoading] = useState(initial === null);
  useEffect(() => {
    if (initial !== null) return;
    let live = true;
    merchant.displays(store.storeId)
      .then((items) => live && setRows(items.length ? items : [{ sku: '', headline: '' }]))
      .catch(() => live && setErrors({ fields: {}, top: [t('mDisplaysUnknown')] }))
      .finally(() => live && setLoading(false));
    return () => void (live = false);
  }, [initial, merchant, store.storeId, t]);
  const setRow = (i: number, patch: Partial<DisplayItem>) => {
    setRows((r) => r.map((row, j) => (j === i ? { ...row, ...patch } : row)));
    setErrors((e) => withoutField(e, ...Object.keys(patch).map((k) => `items.${i}.${k}`)));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const nonEmpty = rows.filter((r) => r.sku.trim() || r.headline.trim());
    const checked = displaysRequest(nonEmpty, t);
    setRows(nonEmpty.length ? nonEmpty : [{ sku: '', headline: '' }]);
    if (!checked.ok) return setErrors({ fields: checked.problems, top: [] });
    setBusy(true);
    try {
      const saved = await merchant.putDisplays(store.storeId, checked.body);
      setErrors(NO_ERRORS);
      onSaved(saved.items);
      notify(t('mSaved'), 'success');
    } catch (err) {
      setErrors(formErrors(err, (f) => (/^items\.\d+\.(sku|headline)$/.test(f) ? f : null), t('networkError')));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack card" onSubmit={submit} noValidate aria-label={t('mPromotedOf', { store: store.name })}>
      <h3>{t('mPromotedOf', { store: store.name })}</h3>
      <p className="hint">{t('mPromotedHint')}</p>
      <FormProblems errors={errors} />
      {loading && <p>{t('loading')}</p>}
      {!loading && rows.map((row, i) => (
        <fieldset key={i} className="display-row">
          <legend className="sr-only">{i + 1}</legend>
          <Field label={`${t('mSku')} ${i + 1}`} error={errors.fields[`items.${i}.sku`]}>
            {(p) => <input {...p} value={row.sku} onChange={(e) => setRow(i, { sku: e.target.value })} maxLength={64} autoCapitalize="none" />}
          </Field>
          <Field label={`${t('mHeadline')} ${i + 1}`} error={errors.fields[`items.${i}.headline`]}>
            {(p) => <input {...p} value={row.headline} onChange={(e) => setRow(i, { headline: e.target.value })} maxLength={LIMITS.nameLength} />}
          </Field>
          <button type="button" className="link" onClick={() => setRows((r) => r.filter((_, j) => j !== i))}>{t('mRemoveRow', { n: i + 1 })}</button>
        </fieldset>
      ))}
      <div className="row wrap">
        <button type="button" onClick={() => setRows((r) => [...r, { sku: '', headline: '' }])} disabled={rows.length >= LIMITS.displays}>{t('mAddRow')}</button>
        <button type="submit" className="primary" disabled={busy || loading}>{t('mSaveDisplays')}</button>
      </div>
    </form>
  );
}

export function StoresPage() {
  const { t } = useTerminal();
  const { merchant, saved, remember } = useMerchant();
  const load = useCallback((cursor: string | null) => merchant.stores(cursor), [merchant]);
  const list = useList(load, storeKey, t('networkError'));
  const [renaming, setRenaming] = useState<MerchantStore | null>(null);
  const [promoting, setPromoting] = useState<string | null>(null);
  const [displays, setDisplays] = useState<Record<string, DisplayItem[]>>({});
  const stores = withSaved(saved.stores, list.items, storeKey);

  return (
    <section className="panel">
      <h2>{t('mStoresTitle')}</h2>
      <StoreForm key={renaming?.storeId ?? 'new'} editing={renaming} onCancel={() => setRenaming(null)} onSaved={(s) => { remember('stores', s); setRenaming(null); list.reload(); }} />
      <ListNote list={list} />
      {stores.length === 0 && !list.loading ? <p>{t('mNoStores')}</p> : (
        <ul className="m-list" aria-label={t('mStoresTitle')}>
          {stores.map((s) => (
            <li key={s.storeId} className="card">
              <div className="m-item-head">
                <h3>{s.name}</h3>
                <code>{s.storeId}</code>
              </div>
              <div className="row wrap">
                <button type="button" onClick={() => setRenaming(s)}>{t('mRename', { store: s.name })}</button>
                <button type="button" aria-expanded={promoting === s.storeId} onClick={() => setPromoting(promoting === s.storeId ? null : s.storeId)}>
                  {t('mEditPromoted')}
                </button>
              </div>
              {promoting === s.storeId && (
                <DisplaysEditor store={s} initial={displays[s.storeId] ?? null} onSaved={(items) => setDisplays((d) => ({ ...d, [s.storeId]: items }))} />
              )}
            </li>
          ))}
        </ul>
      )}
      {list.hasMore && <button type="button" onClick={list.more} disabled={list.loading}>{t('mMore')}</button>}
    </section>
  );
}
