import type { OrderListView, OrderSummaryView, OrderView } from '@coupons/contracts';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { orderPath } from '../app/routes';
import { useTerminal } from '../app/terminal-context';
import { ApiProblem } from '../shared/api';
import { formatDate, formatMoney } from '../shared/format';
import { refusalInWords } from './offer-words';
import { OrderDetail, shortOrderId } from './OrderDetail';

const PAGE = 20;

/** The shopper's orders, newest first (GET /v1/orders, paged); /orders/:orderId shows one with its Cancel order button. */
export function OrdersPage() {
  const { t, locale, api, notify, onEvent } = useTerminal();
  const { orderId } = useParams();
  const [orders, setOrders] = useState<OrderSummaryView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [selected, setSelected] = useState<OrderView | null>(null);

  const fail = useCallback((err: unknown) => notify(err instanceof ApiProblem ? refusalInWords(err.code, err.message, t) : t('networkError'), 'error'), [notify, t]);

  const loadFirst = useCallback(async () => {
    try {
      const { body } = await api.get<OrderListView>(`/v1/orders?limit=${PAGE}`);
      setOrders(body.orders);
      setNext(body.nextCursor);
    } catch (err) {
      fail(err);
    }
  }, [api, fail]);

  useEffect(() => void loadFirst(), [loadFirst]);
  useEffect(() => onEvent((e) => {
    if (e.type === 'order.processed' || e.type === 'order.cancelled') void loadFirst();
  }), [onEvent, loadFirst]);

  useEffect(() => {
    if (!orderId) return setSelected(null);
    api.get<OrderView>(`/v1/orders/${encodeURIComponent(orderId)}`).then(({ body }) => setSelected(body), fail);
  }, [orderId, api, fail]);

  async function more() {
    if (!next) return;
    try {
      const { body } = await api.get<OrderListView>(`/v1/orders?limit=${PAGE}&cursor=${encodeURIComponent(next)}`);
      setOrders((list) => [...(list ?? []), ...body.orders]);
      setNext(body.nextCursor);
    } catch (err) {
      fail(err);
    }
  }

  return (
    <section className="panel">
      <h2>{t('ordersTitle')}</h2>
      {selected && (
        <OrderDetail order={selected} onChange={(o) => {
          setSelected(o);
          void loadFirst();
        }} />
      )}
      {orders === null ? <p>{t('loading')}</p> : orders.length === 0 ? <p>{t('ordersEmpty')}</p> : (
        <ul className="order-list">
          {orders.map((o) => (
            <li key={o.orderId}>
              <Link to={orderPath(o.orderId)} aria-label={t('orderHeading', { orderId: o.orderId })}>{t('orderHeading', { orderId: shortOrderId(o.orderId) })}</Link>
              <span className={`order-status order-${o.status.toLowerCase()}`}>{t(`orderStatus${o.status}`)}</span>
              <small>{t('placedAt', { date: formatDate(o.processedAt, locale) })}</small>
              <span className="num">{formatMoney(o.total, o.currency, locale)}</span>
            </li>
          ))}
        </ul>
      )}
      {next && <button type="button" onClick={() => void more()}>{t('moreOrders')}</button>}
    </section>
  );
}
