import type { WalletCouponView, WalletView } from '@coupons/contracts';
import { useCallback, useEffect, useState } from 'react';
import { useTerminal } from '../app/terminal-context';
import { ApiProblem } from '../shared/api';
import { formatDate } from '../shared/format';
import { discountInWords, refusalInWords, storesInWords, targetInWords } from './offer-words';

const STATUSES = ['AVAILABLE', 'REDEEMED', 'EXPIRED'] as const;

/** Where a coupon applies, when the gateway says (it adds storeIds/target/minSpend from its catalog read model). */
type WalletEntry = WalletCouponView & { storeIds?: string[]; target?: { skus?: string[]; categories?: string[]; brands?: string[] } };

export function WalletPage() {
  const { t, locale, api, notify, onEvent } = useTerminal();
  const [coupons, setCoupons] = useState<WalletEntry[] | null>(null);

  const load = useCallback(async () => {
    try {
      const { body } = await api.get<WalletView>('/v1/wallet');
      setCoupons(body.coupons);
    } catch (err) {
      notify(err instanceof ApiProblem ? refusalInWords(err.code, err.message, t) : t('networkError'), 'error');
    }
  }, [api, notify, t]);
  useEffect(() => void load(), [load]);
  useEffect(() => onEvent(() => void load()), [onEvent, load]);

  return (
    <section className="panel">
      <h2>{t('walletTitle')}</h2>
      {coupons === null ? <p>{t('loading')}</p> : coupons.length === 0 ? <p>{t('walletEmpty')}</p> : STATUSES.map((status) => {
        const list = coupons.filter((c) => c.status === status);
        if (!list.length) return null;
        return (
          <section key={status} aria-label={t(`status${status}`)}>
            <h3>{t(`status${status}`)} ({list.length})</h3>
            <ul className="wallet">
              {list.map((c) => (
                <li key={c.claimId} className={`coupon coupon-${status.toLowerCase()}`}>
                  <h4>{c.title}</h4>
                  <p>{discountInWords(c.discount, 'CNY', t, locale)}{c.target ? ` · ${targetInWords(c.target, t)}` : ''}</p>
                  <p className="offer-terms">
                    {c.validUntil ? t('validUntil', { date: formatDate(c.validUntil, locale) }) : t('validForever')}
                    {c.storeIds ? ` · ${storesInWords(c.storeIds, t)}` : ''}
                    {c.orderId ? ` · ${t('usedIn', { orderId: c.orderId })}` : ''}
                  </p>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </section>
  );
}
