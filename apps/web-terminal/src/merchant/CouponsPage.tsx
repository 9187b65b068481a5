import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { merchantCouponPath } from '../app/routes';
import { useTerminal } from '../app/terminal-context';
import { MessageKey, Translate } from '../shared/i18n';
import { discountInWords, targetInWords } from '../terminal/offer-words';
import { CouponForm } from './CouponForm';
import { ListNote } from './ListNote';
import { MerchantCoupon, MerchantStore, remainingOf } from './merchant-api';
import { useMerchant } from './merchant-context';
import { withSaved } from './paging';
import { useList } from './use-list';
import { useSettled } from './use-settled';

export const COUPON_STATUSES = ['ACTIVE', 'PAUSED', 'ENDED'] as const;
/** A coupon's status in the merchant's words; one this console does not know yet is shown as the API spells it. */
export const statusWord = (status: string, t: Translate) =>
  ((COUPON_STATUSES as readonly string[]).includes(status) ? t(`mStatus${status}` as MessageKey) : status);
const couponKey = (c: MerchantCoupon) => c.couponId;
const storeKey = (s: MerchantStore) => s.storeId;

/** The merchant's stores for the coupon form's picker and the store filter: every page of the list. */
function useAllStores(): MerchantStore[] {
  const { merchant, saved } = useMerchant();
  const [listed, setListed] = useState<MerchantStore[]>([]);
  useEffect(() => {
    let live = true;
    (async () => {
      const all: MerchantStore[] = [];
      try {
        for (let cursor: string | null = null, pages = 0; pages < 20; pages++) {
          const page = await merchant.stores(cursor);
          all.push(...page.items);
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
      } catch {
        // offline: the stores saved in this visit are still offered
      }
      if (live) setListed(all);
    })();
    return () => void (live = false);
  }, [merchant]);
  return withSaved(saved.stores, listed, storeKey);
}

export function CouponCounts({ coupon }: { coupon: MerchantCoupon }) {
  const { t } = useTerminal();
  return (
    <dl className="counts">
      <div><dt>{t('mIssued')}</dt><dd data-count="issued">{coupon.issued}</dd></div>
      <div><dt>{t('mRedeemed')}</dt><dd data-count="redeemed">{coupon.redeemed}</dd></div>
      <div><dt>{t('mRemaining')}</dt><dd data-count="remaining">{remainingOf(coupon)}</dd></div>
    </dl>
  );
}

export function CouponsPage() {
  const { t, locale } = useTerminal();
  const { merchant, saved, remember } = useMerchant();
  const navigate = useNavigate();
  const [status, setStatus] = useState('');
  const [storeId, setStoreId] = useState('');
  const [q, setQ] = useState('');
  const settledQ = useSettled(q);
  const [creating, setCreating] = useState(false);
  const stores = useAllStores();
  const load = useCallback((cursor: string | null) => merchant.coupons({ status, storeId, q: settledQ }, cursor), [merchant, status, storeId, settledQ]);
  const list = useList(load, couponKey, t('networkError'));
  const matches = (c: MerchantCoupon) => (!status || c.status === status) && (!storeId || !c.storeIds.length || c.storeIds.includes(storeId))
    && (!settledQ.trim() || c.title.toLowerCase().includes(settledQ.trim().toLowerCase()));
  const coupons = withSaved(saved.coupons, list.items, couponKey, matches);

  return (
    <section className="panel">
      <div className="m-item-head">
        <h2>{t('mCouponsTitle')}</h2>
        <button type="button" className={creating ? '' : 'primary'} aria-expanded={creating} onClick={() => setCreating(!creating)}>
          {creating ? t('mCancel') : t('mNewCoupon')}
        </button>
      </div>
      {creating && <CouponForm stores={stores} onCreated={(c) => { remember('coupons', c); navigate(merchantCouponPath(c.couponId)); }} />}
      <div className="grid-3 filters" role="search">
        <label>
          {t('mStatusFilter')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('mAll')}</option>
            {COUPON_STATUSES.map((s) => <option key={s} value={s}>{statusWord(s, t)}</option>)}
          </select>
        </label>
        <label>
          {t('mStoreFilter')}
          <select value={storeId} onChange={(e) => setStoreId(e.target.value)}>
            <option value="">{t('mAll')}</option>
            {stores.map((s) => <option key={s.storeId} value={s.storeId}>{s.name}</option>)}
          </select>
        </label>
        <label>{t('mSearch')}<input type="search" value={q} onChange={(e) => setQ(e.target.value)} /></label>
      </div>
      <ListNote list={list} />
      {coupons.length === 0 && !list.loading ? <p>{t('mNoCoupons')}</p> : (
        <ul className="m-list" aria-label={t('mCouponsTitle')}>
          {coupons.map((c) => (
            <li key={c.couponId} className={`card coupon-${c.status.toLowerCase()}`}>
              <div className="m-item-head">
                <h3><Link to={merchantCouponPath(c.couponId)}>{c.title}</Link></h3>
                <span className={`status status-${c.status.toLowerCase()}`}>{statusWord(c.status, t)}</span>
              </div>
              <p className="offer-discount">{discountInWords(c.discount, 'CNY', t, locale)} · {targetInWords(c.target, t)}</p>
              <CouponCounts coupon={c} />
            </li>
          ))}
        </ul>
      )}
      {list.hasMore && <button type="button" onClick={list.more} disabled={list.loading}>{t('mMore')}</button>}
    </section>
  );
}
