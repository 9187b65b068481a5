import type { OrderView } from '@coupons/contracts';
import { useTerminal } from '../app/terminal-context';
import { formatMoney } from '../shared/format';

/** An order as the server priced it: lines, subtotal, discount, total and the coupon applied. */
export function Receipt({ order, names }: { order: OrderView; names?: Record<string, string> }) {
  const { t, locale, productNames } = useTerminal();
  const money = (n: number) => formatMoney(n, order.currency, locale);
  return (
    <div className="receipt">
      <table>
        <tbody>
          {order.items.map((i) => (
            <tr key={i.sku}>
              <td>{names?.[i.sku] ?? productNames[i.sku] ?? i.sku}</td>
              <td className="num">{i.quantity} × {money(i.unitPrice)}</td>
              <td className="num">{money(i.lineTotal)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="totals">
        <dt>{t('subtotal')}</dt><dd>{money(order.subtotal)}</dd>
        <dt>{t('discount')}</dt><dd>−{money(order.discount)}</dd>
        <dt>{t('total')}</dt><dd className="total">{money(order.total)}</dd>
        <dt>{order.appliedCoupon ? t('couponApplied') : t('noCoupon')}</dt><dd>{order.appliedCoupon?.title ?? ''}</dd>
      </dl>
    </div>
  );
}
