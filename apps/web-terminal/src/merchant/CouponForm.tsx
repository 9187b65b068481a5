import { FormEvent, useState } from 'react';
import { useTerminal } from '../app/terminal-context';
import { newIdempotencyKey, sendOnce } from '../shared/api';
import { CouponDraft, EMPTY_COUPON, couponFormField, couponRequest } from './coupon-form';
import { Field, FormProblems } from './Field';
import { FormErrors, NO_ERRORS, formErrors, withoutField } from './field-errors';
import { LIMITS } from './form-values';
import { MerchantCoupon, MerchantStore } from './merchant-api';
import { useMerchant } from './merchant-context';

/**
 * POST /v1/admin/coupons. One Idempotency-Key per filled-in form, so a retry after a lost answer (or a second press)
 * creates the coupon once; a changed form gets a new key.
 */
export function CouponForm({ stores, onCreated }: { stores: MerchantStore[]; onCreated: (c: MerchantCoupon) => void }) {
  const { t } = useTerminal();
  const { merchant } = useMerchant();
  const [d, setDraft] = useState<CouponDraft>(EMPTY_COUPON);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(newIdempotencyKey);
  const set = (patch: Partial<CouponDraft>) => {
    setDraft((x) => ({ ...x, ...patch }));
    setErrors((e) => withoutField(e, ...Object.keys(patch)));
    setKey(newIdempotencyKey());
  };
  const err = errors.fields;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = couponRequest(d, t);
    if (!checked.ok) return setErrors({ fields: checked.problems, top: [] });
    setBusy(true);
    try {
      const created = await sendOnce((k) => merchant.createCoupon(checked.body, k), key);
      setErrors(NO_ERRORS);
      onCreated(created);
    } catch (problem) {
      setErrors(formErrors(problem, couponFormField, t('networkError')));
    } finally {
      setBusy(false);
    }
  }

  const text = (name: keyof CouponDraft, label: string, extra: { inputMode?: 'decimal' | 'numeric'; maxLength?: number; hint?: string; type?: string } = {}) => (
    <Field label={label} error={err[name]} hint={extra.hint}>
      {(p) => (
        <input {...p} type={extra.type ?? 'text'} inputMode={extra.inputMode} maxLength={extra.maxLength} value={d[name] as string}
          onChange={(e) => set({ [name]: e.target.value })} autoCapitalize="none" />
      )}
    </Field>
  );

  return (
    <form className="stack card" onSubmit={submit} noValidate aria-label={t('mNewCoupon')}>
      <h3>{t('mNewCoupon')}</h3>
      <FormProblems errors={errors} />
      {text('title', t('mTitle'), { maxLength: LIMITS.titleLength })}
      <fieldset className="choice" aria-describedby={err.discountType ? 'discount-type-error' : undefined}>
        <legend>{t('mDiscountType')}</legend>
        {(['AMOUNT_OFF', 'PERCENT_OFF'] as const).map((type) => (
          <label key={type} className="inline">
            <input type="radio" name="discountType" checked={d.discountType === type} onChange={() => set({ discountType: type })} />
            {type === 'AMOUNT_OFF' ? t('mAmountOffType') : t('mPercentOffType')}
          </label>
        ))}
        {err.discountType && <small id="discount-type-error" className="field-error" role="alert">{err.discountType}</small>}
      </fieldset>
      <div className="grid-2">
        {d.discountType === 'AMOUNT_OFF' ? text('amount', t('mAmount'), { inputMode: 'decimal' }) : (
          <>
            {text('percent', t('mPercent'), { inputMode: 'numeric' })}
            {text('maxDiscount', t('mMaxDiscount'), { inputMode: 'decimal' })}
          </>
        )}
        {text('minSpend', t('mMinSpend'), { inputMode: 'decimal' })}
      </div>
      <fieldset className="choice">
        <legend>{t('mStores')}</legend>
        <small className="hint">{t('mStoresHint')}</small>
        {stores.map((s) => (
          <label key={s.storeId} className="inline">
            <input type="checkbox" checked={d.storeIds.includes(s.storeId)}
              onChange={(e) => set({ storeIds: e.target.checked ? [...d.storeIds, s.storeId] : d.storeIds.filter((id) => id !== s.storeId) })} />
            {s.name} <code>{s.storeId}</code>
          </label>
        ))}
        {err.storeIds && <small className="field-error" role="alert">{err.storeIds}</small>}
      </fieldset>
      <div className="grid-3">
        {text('skus', t('mSkus'))}
        {text('categories', t('mCategories'))}
        {text('brands', t('mBrands'))}
      </div>
      <small className="hint">{t('mTargetHint')}</small>
      <div className="grid-2">
        {text('totalQuantity', t('mTotalQuantity'), { inputMode: 'numeric' })}
        {text('perUserLimit', t('mPerUserLimit'), { inputMode: 'numeric' })}
        {text('dailyQuantity', t('mDailyQuantity'), { inputMode: 'numeric' })}
        {text('perUserDailyLimit', t('mPerUserDailyLimit'), { inputMode: 'numeric' })}
      </div>
      {text('timeZone', t('mTimeZoneField'), { hint: t('mTimeZoneHint') })}
      <div className="grid-2">
        {text('claimableFrom', t('mClaimableFrom'), { type: 'datetime-local' })}
        {text('claimableUntil', t('mClaimableUntil'), { type: 'datetime-local' })}
      </div>
      <fieldset className="choice">
        <legend>{t('mValidity')}</legend>
        {([['days', t('mValidDaysChoice')], ['until', t('mValidUntilChoice')], ['none', t('mValidNoneChoice')]] as const).map(([v, label]) => (
          <label key={v} className="inline">
            <input type="radio" name="validity" checked={d.validity === v} onChange={() => set({ validity: v })} />
            {label}
          </label>
        ))}
        {d.validity === 'days' && text('validDaysAfterClaim', t('mValidDays'), { inputMode: 'numeric' })}
        {d.validity === 'until' && text('validUntil', t('mValidUntil'), { type: 'datetime-local' })}
      </fieldset>
      {text('priority', t('mPriority'), { inputMode: 'numeric' })}
      <button type="submit" className="primary" disabled={busy}>{t('mCreateCoupon')}</button>
    </form>
  );
}
