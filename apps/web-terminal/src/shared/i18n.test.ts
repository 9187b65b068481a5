import { describe, expect, it } from 'vitest';
import { MESSAGES, pickLocale, translator } from './i18n';

describe('i18n', () => {
  it.each([
    [['zh-CN', 'en-US'], 'zh'], [['zh-TW'], 'zh'], [['en-GB', 'zh-CN'], 'en'], [['fr-FR', 'zh'], 'zh'], [['fr-FR'], 'en'], [[], 'en'],
  ])('picks %j -> %s', (languages, locale) => {
    expect(pickLocale(languages)).toBe(locale);
  });

  it('has every English message in Chinese', () => {
    expect(Object.keys(MESSAGES.zh).sort()).toEqual(Object.keys(MESSAGES.en).sort());
  });

  it('fills parameters and keeps unknown ones visible', () => {
    expect(translator('en')('couponClaimedNotice', { title: '¥3 off' })).toBe('Coupon claimed: ¥3 off');
    expect(translator('en')('couponClaimedNotice')).toBe('Coupon claimed: {title}');
  });
});
