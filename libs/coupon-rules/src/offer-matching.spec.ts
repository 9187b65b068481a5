import { CouponDefinition, ProductInfo } from './coupon';
import {
  claimWindowState,
  matchScore,
  offerEligibility as sut,
  OfferEligibility,
  remainingStock,
  ScanSubject,
  validForProduct,
  validForStore,
} from './offer-matching';
import { aCoupon, aProduct, HOUR, T0 } from './testing/builders';

const milk = aProduct();

describe('offer matching', () => {
  describe('claimWindowState', () => {
    it.each<[string, Partial<CouponDefinition>, number, string]>([
      ['no bounds', {}, T0, 'OPEN'],
      ['null bounds', { claimableFrom: null, claimableUntil: null }, T0, 'OPEN'],
      ['from == now (inclusive)', { claimableFrom: T0 }, T0, 'OPEN'],
      ['1 ms before from', { claimableFrom: T0 }, T0 - 1, 'NOT_YET'],
      ['until == now (inclusive)', { claimableUntil: T0 }, T0, 'OPEN'],
      ['1 ms after until', { claimableUntil: T0 }, T0 + 1, 'CLOSED'],
      ['inside both', { claimableFrom: T0 - HOUR, claimableUntil: T0 + HOUR }, T0, 'OPEN'],
    ])('%s → %s', (_name, window, now, expected) => {
      expect(claimWindowState(aCoupon(window), now)).toBe(expected);
    });
  });

  describe('remainingStock', () => {
    it.each([
      [100, 0, 100],
      [100, 99, 1],
      [100, 100, 0],
      [100, 101, -1],
    ])('total %p issued %p → %p', (totalQuantity, issued, expected) => {
      expect(remainingStock({ totalQuantity }, issued)).toBe(expected);
    });

    it.each([-1, 1.5, NaN])('rejects issued %p', (issued) => {
      expect(() => remainingStock({ totalQuantity: 1 }, issued)).toThrow(RangeError);
    });
  });

  describe('validForStore', () => {
    it.each<[string, readonly string[] | undefined, string | null | undefined, boolean]>([
      ['no storeIds, known store', [], 'S1', true],
      ['absent storeIds', undefined, 'S1', true],
      ['store listed', ['S1', 'S2'], 'S2', true],
      ['store not listed', ['S1'], 'S9', false],
      ['store unknown (undefined)', ['S1'], undefined, true],
      ['store unknown (null)', ['S1'], null, true],
    ])('%s → %p', (_name, storeIds, storeId, expected) => {
      expect(validForStore({ storeIds }, storeId)).toBe(expected);
    });
  });

  describe('validForProduct', () => {
    it.each<[string, CouponDefinition['target'], ProductInfo | undefined, boolean]>([
      ['whole order, with product', {}, milk, true],
      ['whole order, no product', {}, undefined, true],
      ['absent target, no product', undefined, undefined, true],
      ['sku target matches', { skus: ['SKU-MILK'] }, milk, true],
      ['category target matches', { categories: ['dairy'] }, milk, true],
      ['brand target matches', { brands: ['acme'] }, milk, true],
      ['target does not match', { skus: ['SKU-BREAD'], categories: ['bakery'] }, milk, false],
      ['targeted coupon without product', { skus: ['SKU-MILK'] }, undefined, false],
    ])('%s → %p', (_name, target, product, expected) => {
      expect(validForProduct({ target }, product)).toBe(expected);
    });
  });

  describe('matchScore', () => {
    it.each<[string, Partial<CouponDefinition>, ScanSubject, number]>([
      ['sku', { target: { skus: ['SKU-MILK'] } }, { product: milk }, 4],
      ['category', { target: { categories: ['dairy'] } }, { product: milk }, 2],
      ['brand', { target: { brands: ['acme'] } }, { product: milk }, 2],
      ['whole order', {}, { product: milk }, 0],
      ['sku + store listed', { target: { skus: ['SKU-MILK'] }, storeIds: ['S1'] }, { product: milk, storeId: 'S1' }, 5],
      ['category + store listed', { target: { categories: ['dairy'] }, storeIds: ['S1'] }, { product: milk, storeId: 'S1' }, 3],
      ['whole order + store listed', { storeIds: ['S1'] }, { storeId: 'S1' }, 1],
      ['every-store coupon gets no store bonus', { storeIds: [] }, { storeId: 'S1' }, 0],
      ['store unknown gets no bonus', { storeIds: ['S1'] }, { product: milk }, 0],
      ['no product, targeted', { target: { skus: ['SKU-MILK'] } }, { storeId: 'S1' }, 0],
    ])('%s → %p', (_name, coupon, scan, expected) => {
      expect(matchScore(aCoupon(coupon), scan)).toBe(expected);
    });
  });

  describe('offerEligibility', () => {
    it.each<[string, Partial<CouponDefinition>, number, ScanSubject, OfferEligibility]>([
      ['offered whole-order coupon', {}, 0, { product: milk, storeId: 'S1' }, { offered: true, remaining: 100, matchScore: 0 }],
      ['paused', { status: 'PAUSED' }, 0, { product: milk }, { offered: false, reason: 'PAUSED' }],
      ['before claim window', { claimableFrom: T0 + 1 }, 0, { product: milk }, { offered: false, reason: 'NOT_YET_CLAIMABLE' }],
      ['after claim window', { claimableUntil: T0 - 1 }, 0, { product: milk }, { offered: false, reason: 'NO_LONGER_CLAIMABLE' }],
      ['window bounds inclusive', { claimableFrom: T0, claimableUntil: T0 }, 0, { product: milk }, { offered: true, remaining: 100, matchScore: 0 }],
      ['out of stock', { totalQuantity: 10 }, 10, { product: milk }, { offered: false, reason: 'OUT_OF_STOCK' }],
      ['oversold', { totalQuantity: 10 }, 11, { product: milk }, { offered: false, reason: 'OUT_OF_STOCK' }],
      ['last one left', { totalQuantity: 10 }, 9, { product: milk }, { offered: true, remaining: 1, matchScore: 0 }],
      ['other store', { storeIds: ['S2'] }, 0, { product: milk, storeId: 'S1' }, { offered: false, reason: 'STORE_NOT_ELIGIBLE' }],
      ['listed store', { storeIds: ['S1'] }, 0, { product: milk, storeId: 'S1' }, { offered: true, remaining: 100, matchScore: 1 }],
      ['store-restricted, store unknown', { storeIds: ['S2'] }, 0, { product: milk }, { offered: true, remaining: 100, matchScore: 0 }],
      ['product not targeted', { target: { skus: ['SKU-BREAD'] } }, 0, { product: milk }, { offered: false, reason: 'PRODUCT_NOT_ELIGIBLE' }],
      ['targeted, no product', { target: { brands: ['acme'] } }, 0, { storeId: 'S1' }, { offered: false, reason: 'PRODUCT_NOT_ELIGIBLE' }],
      [
        'targeted store coupon, no product',
        { target: { brands: ['acme'] }, storeIds: ['S1'] },
        0,
        { storeId: 'S1' },
        { offered: false, reason: 'PRODUCT_NOT_ELIGIBLE' },
      ],
      ['whole-order store coupon, no product', { storeIds: ['S1'] }, 0, { storeId: 'S1' }, { offered: true, remaining: 100, matchScore: 1 }],
      ['nothing scanned, whole-order coupon', { storeIds: ['S1'] }, 0, {}, { offered: true, remaining: 100, matchScore: 0 }],
    ])('%s', (_name, coupon, issued, scan, expected) => {
      expect(sut(aCoupon(coupon), issued, scan, T0)).toEqual(expected);
    });
  });
});
