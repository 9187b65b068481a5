import type { OrderView } from '@coupons/contracts';
import { useState } from 'react';
import { useTerminal } from '../app/terminal-context';
import { ApiProblem, newIdempotencyKey, sendOnce } from '../shared/api';
import { refusalInWords } from './offer-words';
import { Receipt } from './Receipt';

/** The end of an order id is enough to tell a shopper's orders apart on a small screen (the full id is the accessible name). */
export const shortOrderId = (orderId: string) => (orderId.length > 12 ? `…${orderId.slice(-8)}` : orderId);

/** One order with its receipt and, while it stands, a Cancel order button. */
export function OrderDetail({ order, names, onChange }: { order: OrderView; names?: Record<string, string>; onChange: (o: OrderView) => void }) {
  const { t, api, notify } = useTerminal();
  const [busy, setBusy] = useState(false);

  async function cancel() {
    setBusy(true);
    try {
      const key = newIdempotencyKey();
      const path = `/v1/orders/${encodeURIComponent(order.orderId)}/cancel`;
      const { status, body } = await sendOnce((k) => api.post<OrderView | { orderId: string; status: 'PENDING' }>(path, { idempotencyKey: k }), key);
      if (status === 200) onChange(body as OrderView);
      else onChange({ ...order, status: 'CANCELLED' });
    } catch (err) {
      notify(err instanceof ApiProblem ? refusalInWords(err.code, err.message, t) : t('networkError'), 'error');
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className="order" aria-label={t('orderHeading', { orderId: order.orderId })}>
      <h3>{t('orderHeading', { orderId: shortOrderId(order.orderId) })}</h3>
      <p className={`order-status order-${order.status.toLowerCase()}`}>{t(`orderStatus${order.status}`)}</p>
      <Receipt order={order} names={names} />
      {order.status === 'PROCESSED' && (
        <button type="button" className="danger" onClick={() => void cancel()} disabled={busy}>{t('cancelOrder')}</button>
      )}
    </article>
  );
}
