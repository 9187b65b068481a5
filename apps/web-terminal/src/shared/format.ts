import { LANGUAGE_TAG, Locale } from './i18n';

/** Money arrives as an integer in minor units (fen): 1590 CNY is ¥15.90. */
export function formatMoney(minor: number, currency: string, locale: Locale): string {
  return new Intl.NumberFormat(LANGUAGE_TAG[locale], { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).format(minor / 100);
}

export function formatDate(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(LANGUAGE_TAG[locale], { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}
