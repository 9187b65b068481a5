import { describe, expect, it } from 'vitest';
import { translator } from '../shared/i18n';
import { discountInWords, refusalInWords, storesInWords, targetInWords } from './offer-words';

const en = translator('en');
const zh = translator('zh');
const strip = (s: string) => s.replace(/\s/g, ' ');

describe('offer words', () => {
  it.each([
    [{ type: 'AMOUNT_OFF' as const, amount: 300 }, '¥3.00 off'],
    [{ type: 'PERCENT_OFF' as const, percent: 15 }, '15% off'],
    [{ type: 'PERCENT_OFF' as const, percent: 15, maxDiscount: 500 }, '15% off, up to ¥5.00'],
  ])('says %j as "%s"', (discount, words) => {
    expect(strip(discountInWords(discount, 'CNY', en, 'en'))).toBe(words);
  });

  it('speaks Chinese too', () => {
    expect(discountInWords({ type: 'AMOUNT_OFF', amount: 300 }, 'CNY', zh, 'zh')).toBe('立减 ¥3.00');
  });

  it('names targets and stores', () => {
    expect(targetInWords({}, en)).toBe('on the whole order');
    expect(targetInWords({ skus: ['milk-1l'], brands: ['Bright Meadow'] }, en)).toBe('on milk-1l, Bright Meadow');
    expect(targetInWords({ skus: ['milk-1l', 'tea'] }, en, { 'milk-1l': 'Fresh Milk 1 L' })).toBe('on Fresh Milk 1 L, tea');
    expect(storesInWords([], en)).toBe('in every store');
    expect(storesInWords(['sh-xuhui'], en)).toBe('only in sh-xuhui');
  });

  it.each([
    ['OUT_OF_STOCK', 'Sorry, this coupon has run out.'],
    ['LIMIT_REACHED', 'You already hold as many of this coupon as allowed.'],
    ['DAILY_LIMIT_REACHED', 'Today\'s share of this coupon is taken. Try again tomorrow.'],
    ['SOMETHING_NEW', 'That did not work: server says no'],
  ])('gives the refusal %s in words', (code, words) => {
    expect(refusalInWords(code, 'server says no', en)).toBe(words);
  });
});
