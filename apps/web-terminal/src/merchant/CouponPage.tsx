import { FormEvent, useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ROUTES } from '../app/routes';
import { useTerminal } from '../app/terminal-context';
import { ApiProblem } from '../shared/api';
import { formatDate, formatMoney } from '../shared/format';
import { discountInWords, storesInWords, targetInWords } from '../terminal/offer-words';
import { CouponEdit, couponFormField, couponPatch, editDraft, statusActions } from './coupon-form';
import { CouponCounts, statusWord } from './CouponsPage';
import { Field, FormProblems } from './Field';
import { FormErrors, NO_ERRORS, formErrors, withoutField } from './field-errors';
import { LIMITS } from './form-values';
import { MerchantCoupon } from './merchant-api';
import { useMerchant } from './merchant-context';

/** The counts change with every claim and order: read again this often while the page is open. */
const REFRESH_MS = 5000;

function EditForm({ coupon, onSaved, onCancel }: { coupon: MerchantCoupon; onSaved: (c: MerchantCoupon) => void; onCancel: () => void }) {
  const { t, notify } = useTerminal();
  const { merchant } = useMerchant();
  const [edit, setEdit] = useState<CouponEdit>(() => editDraft(coupon));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<CouponEdit>) => {
    setEdit((e) => ({ ...e, ...patch }));
    setErrors((e) => withoutField(e, ...Object.keys(patch)));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = couponPatch(coupon, edit, t);
    if (!checked.ok) return setErrors({ fields: checked.problems, top: [] });
    if (!Object.keys(checked.body).length) return setErrors({ fields: {}, top: [t('mNothingChanged')] });
    setBusy(true);
    try {
      onSaved(await merchant.patchCoupon(coupon.couponId, checked.body));
      setErrors(NO_ERRORS);
      notify(t('mSaved'), 'success');
    } catch (err) {
      setErrors(formErrors(err, (f) => {
        const field = couponFormField(f);
        return field && field in edit ? field : null;
      }, t('networkError')));
    } finally {
      setBusy(false);
    }
  }

  const text = (name: keyof CouponEdit, label: string, extra: { inputMode?: 'numeric'; type?: string; maxLength?: number } = {}) => (
    <Field label={label} error={errors.fields[name]}>
      {(p) => <input {...p} type={extra.type ?? 'text'} inputMode={extra.inputMode} maxLength={extra.maxLength} value={edit[name]} onChange={(e) => set({ [name]: e.target.value })} />}
    </Field>
  );
  return (
    <form className="stack card" onSubmit={submit} noValidate aria-label={t('mEditCoupon')}>
      <h3>{t('mEditCoupon')}</h3>
      <FormProblems errors={errors} />
      {text('title', t('mTitle'), { maxLength: LIMITS.titleLength })}
      <div className="grid-2">
        {text('totalQuantity', t('mTotalQuantity'), { inputMode: 'numeric' })}
        {text('perUserLimit', t('mPerUserLimit'), { inputMode: 'numeric' })}
        {text('claimableUntil', t('mClaimableUntil'), { type: 'datetime-local' })}
        {text('priority', t('mPriority'), { inputMode: 'numeric' })}
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>{t('mSaveChanges')}</button>
        <button type="button" onClick={onCancel}>{t('mCancel')}</button>
      </div>
    </form>
  );
}

/** Pause, resume, and end (final, so it asks first). */
function StatusActions({ coupon, onSaved }: { coupon: MerchantCoupon; onSaved: (c: MerchantCoupon) => void }) {
  const { t } = useTerminal();
  const { merchant } = useMerchant();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function change(status: 'ACTIVE' | 'PAUSED' | 'ENDED') {
    setBusy(true);
    setProblem(null);
    try {
      onSaved(await merchant.patchCoupon(coupon.couponId, { status }));
      setConfirming(false);
    } catch (err) {
      const f = formErrors(err, () => null, t('networkError'));
      setProblem(f.top.join(' '));
    } finally {
      setBusy(false);
    }
  }

  const actions = statusActions(coupon.status);
  if (!actions.length) return null;
  return (
    <div className="stack">
      {problem && <p className="form-problems" role="alert">{problem}</p>}
      <div className="row wrap">
        {actions.includes('PAUSED') && <button type="button" disabled={busy} onClick={() => change('PAUSED')}>{t('mPause')}</button>}
        {actions.includes('ACTIVE') && <button type="button" disabled={busy} onClick={() => change('ACTIVE')}>{t('mResume')}</button>}
        {actions.includes('ENDED') && !confirming && <button type="button" className="danger" disabled={busy} onClick={() => setConfirming(true)}>{t('mEnd')}</button>}
      </div>
      {confirming && (
        <div role="alertdialog" aria-labelledby="end-confirm" className="confirm card">
          <p id="end-confirm">{t('mEndConfirm')}</p>
          <div className="row">
            <button type="button" className="danger" disabled={busy} onClick={() => change('ENDED')}>{t('mEndYes')}</button>
            <button type="button" onClick={() => setConfirming(false)}>{t('mCancel')}</button>
          </div>
        </div>
      )}
    </div>
  );
}

export function CouponPage() {
  const { t, locale, notify } = useTerminal();
  const { merchant, remember } = useMerchant();
  const { couponId = '' } = useParams();
  const [coupon, setCoupon] = useState<MerchantCoupon | null>(null);
  const [missing, setMissing] = useState(false);
  const [editing, setEditing] = useState(false);

  const load = useCallback(async (quiet = false) => {
    try {
      setCoupon(await merchant.coupon(couponId));
      setMissing(false);
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 404) setMissing(true);
      else if (!quiet) notify(err instanceof ApiProblem ? t('mLoadFailed', { message: err.message }) : t('networkError'), 'error');
    }
  }, [merchant, couponId, notify, t]);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(true), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const saved = (c: MerchantCoupon) => {
    setCoupon(c);
    remember('coupons', c);
    setEditing(false);
  };

  if (missing) return <section className="panel"><h2>{t('mNoCoupon')}</h2><Link to={ROUTES.merchantCoupons}>{t('mAllCoupons')}</Link></section>;
  if (!coupon) return <section className="panel"><p>{t('loading')}</p></section>;
  return (
    <section className="panel">
      <Link to={ROUTES.merchantCoupons}>← {t('mAllCoupons')}</Link>
      <div className="m-item-head">
        <h2>{coupon.title}</h2>
        <span className={`status status-${coupon.status.toLowerCase()}`}>{statusWord(coupon.status, t)}</span>
      </div>
      <CouponCounts coupon={coupon} />
      <button type="button" className="link" onClick={() => void load()}>{t('mRefresh')}</button>
      <dl className="facts">
        <dt>{t('mDiscountType')}</dt><dd>{discountInWords(coupon.discount, 'CNY', t, locale)} · {targetInWords(coupon.target, t)}</dd>
        <dt>{t('mMinSpend')}</dt><dd>{formatMoney(coupon.minSpend, 'CNY', locale)}</dd>
        <dt>{t('mStores')}</dt><dd>{storesInWords(coupon.storeIds, t)}</dd>
        <dt>{t('mTotalQuantity')}</dt><dd>{coupon.totalQuantity}</dd>
        <dt>{t('mPerUserLimit')}</dt><dd>{coupon.perUserLimit}</dd>
        {coupon.dailyQuantity != null && <><dt>{t('mDailyQuantity')}</dt><dd>{coupon.dailyQuantity}</dd></>}
        {coupon.perUserDailyLimit != null && <><dt>{t('mPerUserDailyLimit')}</dt><dd>{coupon.perUserDailyLimit}</dd></>}
        {coupon.timeZone && <><dt>{t('mTimeZoneField')}</dt><dd>{coupon.timeZone}</dd></>}
        <dt>{t('mClaimableFrom')}</dt><dd>{coupon.claimableFrom ? formatDate(coupon.claimableFrom, locale) : '—'}</dd>
        <dt>{t('mClaimableUntil')}</dt><dd>{coupon.claimableUntil ? formatDate(coupon.claimableUntil, locale) : '—'}</dd>
        <dt>{t('mValidity')}</dt>
        <dd>{coupon.validDaysAfterClaim ? `${coupon.validDaysAfterClaim} · ${t('mValidDays')}` : coupon.validUntil ? formatDate(coupon.validUntil, locale) : t('validForever')}</dd>
        <dt>{t('mPriority')}</dt><dd>{coupon.priority}</dd>
      </dl>
      <StatusActions coupon={coupon} onSaved={saved} />
      {coupon.status !== 'ENDED' && (
        editing ? <EditForm key={coupon.couponId} coupon={coupon} onSaved={saved} onCancel={() => setEditing(false)} /> : <button type="button" onClick={() => setEditing(true)}>{t('mEditCoupon')}</button>
      )}
    </section>
  );
}
