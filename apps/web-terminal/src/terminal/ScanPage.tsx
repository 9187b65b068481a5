import type { ClaimResponseLike } from './claim-types';
import type { OfferView, ScanResult } from '@coupons/contracts';
import { FormEvent, useCallback, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { ROUTES } from '../app/routes';
import { useTerminal } from '../app/terminal-context';
import { ApiProblem, newIdempotencyKey, sendOnce } from '../shared/api';
import { formatDate, formatMoney } from '../shared/format';
import { Camera } from './Camera';
import { ClaimPresses } from './claim-button-state';
import { discountInWords, refusalInWords, storesInWords, targetInWords } from './offer-words';

function StoreLine() {
  const { t, storeId, setStoreId } = useTerminal();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(storeId ?? '');
  if (!editing) {
    return (
      <p className="store-line">
        {storeId ? `${t('store')}: ${storeId}` : t('storeNone')}{' '}
        <button type="button" className="link" onClick={() => { setValue(storeId ?? ''); setEditing(true); }}>{t('changeStore')}</button>
      </p>
    );
  }
  return (
    <form className="row" onSubmit={(e) => { e.preventDefault(); setStoreId(value.trim() || null); setEditing(false); }}>
      <label className="grow">
        {t('store')}
        <input value={value} onChange={(e) => setValue(e.target.value)} maxLength={64} autoCapitalize="none" />
      </label>
      <button type="submit">{t('setStore')}</button>
    </form>
  );
}

function OfferCard({ offer, isBest, currency, onClaim, pending, held, productNames }: {
  offer: OfferView; isBest: boolean; currency: string; onClaim: () => void; pending: boolean; held: boolean; productNames: Record<string, string>;
}) {
  const { t, locale } = useTerminal();
  return (
    <li className={`offer${isBest ? ' offer-best' : ''}`}>
      <div className="offer-head">
        <h4>{offer.title}</h4>
        {isBest && <span className="best-badge">{t('best')}</span>}
      </div>
      <p className="offer-discount">{discountInWords(offer.discount, currency, t, locale)} · {targetInWords(offer.target, t, productNames)}</p>
      <p className="offer-terms">
        {offer.minSpend > 0 ? t('minSpend', { amount: formatMoney(offer.minSpend, currency, locale) }) : t('noMinSpend')} ·{' '}
        {t('remaining', { count: offer.remaining })} ·{' '}
        {offer.claimableUntil ? t('claimBy', { date: formatDate(offer.claimableUntil, locale) }) : t('claimAnytime')} · {storesInWords(offer.storeIds, t)}
      </p>
      {held ? <p className="held">{t('claimed')}</p> : (
        <button type="button" className="primary" onClick={onClaim} disabled={pending} aria-busy={pending}>
          {t('claim')}
        </button>
      )}
    </li>
  );
}

export function ScanPage() {
  const { t, locale, api, session, storeId, setStoreId, notify, lastScan, setLastScan, held, refreshHeld, updateCart } = useTerminal();
  const navigate = useNavigate();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Set<string>>(new Set());
  const presses = useRef(new ClaimPresses(newIdempotencyKey));

  const lookUp = useCallback(async (scanned: string) => {
    const value = scanned.trim();
    if (!value) return;
    setCode(value);
    setBusy(true);
    try {
      const { body } = await api.post<ScanResult>('/v1/scans', { body: storeId ? { code: value, storeId } : { code: value } });
      if (body.storeId && body.storeId !== storeId) {
        setStoreId(body.storeId);
        notify(t('storeSet', { store: body.storeId }), 'info');
      }
      if (!body.product && !(body.storeId && body.storeId !== storeId)) notify(t('unknownProduct'), 'info');
      setLastScan(body);
      void refreshHeld();
    } catch (err) {
      notify(err instanceof ApiProblem ? refusalInWords(err.code, err.message, t) : t('networkError'), 'error');
    } finally {
      setBusy(false);
    }
  }, [api, storeId, setStoreId, notify, t, setLastScan, refreshHeld]);

  async function claim(offer: OfferView) {
    if (!session) return navigate(ROUTES.signIn);
    const key = presses.current.press(offer.couponId);
    if (!key) return; // a second tap of the same press
    setPending((s) => new Set(s).add(offer.couponId));
    try {
      await sendOnce((k) => api.post<ClaimResponseLike>('/v1/claims', { body: { couponId: offer.couponId }, idempotencyKey: k }), key);
      // The notice itself comes from the stream's coupon.claimed.
      await refreshHeld();
    } catch (err) {
      notify(err instanceof ApiProblem ? refusalInWords(err.code, err.message, t) : t('networkError'), 'error');
    } finally {
      presses.current.done(offer.couponId);
      setPending((s) => {
        const next = new Set(s);
        next.delete(offer.couponId);
        return next;
      });
    }
  }

  const scan = lastScan;
  const currency = scan?.product?.currency ?? 'CNY';
  const bestId = scan?.best?.couponId ?? null;

  return (
    <section className="panel">
      <h2>{t('scanTitle')}</h2>
      <StoreLine />
      <Camera onCode={(c) => void lookUp(c)} />
      <form className="row" onSubmit={(e: FormEvent) => { e.preventDefault(); void lookUp(code); }}>
        <label className="grow">
          {t('code')}
          <input value={code} onChange={(e) => setCode(e.target.value)} inputMode="text" autoComplete="off" autoCapitalize="none" maxLength={2048} />
        </label>
        <button type="submit" disabled={busy}>{t('lookUp')}</button>
      </form>

      {scan?.product && (
        <article className="product" aria-label={scan.product.name}>
          <h3>{scan.product.name}</h3>
          <p className="price">{formatMoney(scan.product.price, scan.product.currency, locale)}</p>
          <button type="button" onClick={() => {
            const p = scan.product!;
            updateCart({ type: 'add', product: { sku: p.sku, name: p.name, unitPrice: p.price, currency: p.currency } });
            notify(t('addedToCart', { name: p.name }), 'success');
          }}>{t('addToCart')}</button>
        </article>
      )}

      {scan && (scan.product || scan.coupons.length > 0) && (
        <>
          <h3>{t('offers')}</h3>
          {scan.coupons.length === 0 ? <p>{t('noOffers')}</p> : (
            <ul className="offers">
              {scan.coupons.map((o) => (
                <OfferCard key={o.couponId} offer={o} isBest={o.couponId === bestId} currency={currency} pending={pending.has(o.couponId)}
                  held={held.has(o.couponId)} onClaim={() => void claim(o)} productNames={scan.product ? { [scan.product.sku]: scan.product.name } : {}} />
              ))}
            </ul>
          )}
        </>
      )}

      {scan && scan.displays.length > 0 && (
        <>
          <h3>{t('promoted')}</h3>
          <ul className="displays">
            {scan.displays.map((d) => (
              <li key={d.sku}>
                <strong>{d.name}</strong> — {d.headline} <span className="price">{formatMoney(d.price, d.currency, locale)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
