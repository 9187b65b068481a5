import type { OrderView } from '@coupons/contracts';
import { useEffect, useRef, useState } from 'react';
import { useTerminal } from '../app/terminal-context';
import { ApiProblem, newIdempotencyKey, sendOnce } from '../shared/api';
import { formatMoney } from '../shared/format';
import { cartEstimate, orderRequest } from './cart';
import { refusalInWords } from './offer-words';
import { OrderDetail } from './OrderDetail';

type Placed = { kind: 'done'; order: OrderView; names: Record<string, string> } | { kind: 'pending'; orderId: string; names: Record<string, string> };

export function CartPage() {
  const { t, locale, api, session, storeId, cart, updateCart, notify, onEvent, refreshHeld } = useTerminal();
  const [busy, setBusy] = useState(false);
  const [placed, setPlaced] = useState<Placed | null>(null);
  const pressKey = useRef<string | null>(null);

  // A 202 is decided later: order.processed on the stream says when, then the order is read.
  useEffect(() => onEvent((e) => {
    if (e.type !== 'order.processed' || placed?.kind !== 'pending' || e.data.orderId !== placed.orderId) return;
    void api.get<OrderView>(`/v1/orders/${encodeURIComponent(placed.orderId)}`).then(({ body }) => setPlaced({ kind: 'done', order: body, names: placed.names }));
  }), [onEvent, placed, api]);

  async function place() {
    if (!storeId || cart.length === 0 || pressKey.current) return;
    const key = newIdempotencyKey();
    pressKey.current = key;
    setBusy(true);
    const names = Object.fromEntries(cart.map((l) => [l.sku, l.name]));
    try {
      const { status, body } = await sendOnce((k) => api.post<OrderView | { orderId: string; status: 'PENDING' }>('/v1/orders', { body: orderRequest(storeId, cart), idempotencyKey: k }), key);
      setPlaced(status === 201 ? { kind: 'done', order: body as OrderView, names } : { kind: 'pending', orderId: body.orderId, names });
      updateCart({ type: 'clear' });
      void refreshHeld();
    } catch (err) {
      notify(err instanceof ApiProblem ? refusalInWords(err.code, err.message, t) : t('networkError'), 'error');
    } finally {
      pressKey.current = null;
      setBusy(false);
    }
  }

  const currency = cart[0]?.currency ?? 'CNY';
  return (
    <section className="panel">
      <h2>{t('cartTitle')}</h2>
      {placed?.kind === 'done' && <OrderDetail order={placed.order} names={placed.names} onChange={(o) => setPlaced({ ...placed, order: o })} />}
      {placed?.kind === 'pending' && <p role="status">{t('orderPending')}</p>}
      {cart.length === 0 ? (!placed && <p>{t('cartEmpty')}</p>) : (
        <>
          <ul className="cart">
            {cart.map((l) => (
              <li key={l.sku} className="cart-line">
                <span className="grow">{l.name}<br /><small>{formatMoney(l.unitPrice, l.currency, locale)}</small></span>
                <label className="qty">
                  <span className="sr-only">{t('quantityOf', { name: l.name })}</span>
                  <input type="number" min={1} max={999} value={l.quantity} aria-label={t('quantityOf', { name: l.name })}
                    onChange={(e) => updateCart({ type: 'setQuantity', sku: l.sku, quantity: Number(e.target.value) })} />
                </label>
                <button type="button" className="link" aria-label={t('remove', { name: l.name })} onClick={() => updateCart({ type: 'remove', sku: l.sku })}>×</button>
              </li>
            ))}
          </ul>
          <p className="estimate">{t('subtotal')}: {formatMoney(cartEstimate(cart), currency, locale)}</p>
          <p className="hint">{t('bestCouponNote')}</p>
          {!storeId && <p className="hint">{t('orderNeedsStore')}</p>}
          {!session && <p className="hint">{t('signInExplain')}</p>}
          <button type="button" className="primary" onClick={() => void place()} disabled={busy || !storeId || !session}>
            {busy ? t('placing') : t('placeOrder')}
          </button>
        </>
      )}
    </section>
  );
}
