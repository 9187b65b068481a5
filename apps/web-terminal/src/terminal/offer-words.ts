import type { CouponTargetView, DiscountSpec } from '@coupons/contracts';
import { formatMoney } from '../shared/format';
import { Locale, MessageKey, Translate } from '../shared/i18n';

/** "¥3.00 off", "15% off, up to ¥5.00". */
export function discountInWords(discount: DiscountSpec, currency: string, t: Translate, locale: Locale): string {
  if (discount.type === 'AMOUNT_OFF') return t('amountOff', { amount: formatMoney(discount.amount, currency, locale) });
  if (discount.maxDiscount !== undefined && discount.maxDiscount !== null) {
    return t('percentOffCapped', { percent: discount.percent, cap: formatMoney(discount.maxDiscount, currency, locale) });
  }
  return t('percentOff', { percent: discount.percent });
}

/**
 * What a coupon is for: "on Fresh Milk 1 L, dairy" or "on the whole order". Skus are named by `productNames` where the
 * terminal knows the product (the one just scanned), else shown as they are.
 */
export function targetInWords(target: CouponTargetView | undefined, t: Translate, productNames: Record<string, string> = {}): string {
  const skus = (target?.skus ?? []).map((sku) => productNames[sku] ?? sku);
  const what = [...skus, ...(target?.categories ?? []), ...(target?.brands ?? [])];
  return what.length ? t('onItems', { what: what.join(', ') }) : t('wholeOrder');
}

export function storesInWords(storeIds: string[] | undefined, t: Translate): string {
  return storeIds && storeIds.length ? t('onlyStores', { stores: storeIds.join(', ') }) : t('everyStore');
}

/** A refusal's code in the shopper's words (the server's message is for developers). */
export const REFUSAL_MESSAGES: Record<string, MessageKey> = {
  OUT_OF_STOCK: 'refusedOutOfStock',
  LIMIT_REACHED: 'refusedLimit',
  DAILY_LIMIT_REACHED: 'refusedDailyLimit',
  NOT_CLAIMABLE: 'refusedNotClaimable',
  COUPON_NOT_FOUND: 'refusedNotFound',
  COUPON_NOT_APPLICABLE: 'refusedCouponNotApplicable',
  UNKNOWN_SKU: 'refusedUnknownSku',
  UNKNOWN_STORE: 'refusedUnknownStore',
  ALREADY_CANCELLED: 'refusedAlreadyCancelled',
  INVALID_CODE: 'invalidCode',
};

export function refusalInWords(code: string, message: string, t: Translate): string {
  const key = REFUSAL_MESSAGES[code];
  return key ? t(key) : t('refusedGeneric', { message });
}
