// The demo data set `npm start` loads once through the gateway's admin API (DESIGN §4): a small grocery chain with
// three stores, ten products across categories and brands (real-looking GTIN-13s with valid check digits), coupons of
// every kind the rules know, and promoted products per store.

import { DEFAULT_MERCHANT_ID } from '@coupons/contracts';

export interface DemoStore { storeId: string; name: string }
export interface DemoProduct { sku: string; name: string; price: number; currency: 'CNY'; gtin: string; category: string; brand: string }
export interface DemoCoupon {
  /** Stable name in the seed marker; the server assigns the couponId. */
  key: string;
  body: Record<string, unknown>;
}
export interface DemoDisplay { storeId: string; items: Array<{ sku: string; headline: string }> }

export const DEMO_STORES: DemoStore[] = [
  { storeId: 'sh-xuhui', name: 'FreshMart Shanghai Xuhui' },
  { storeId: 'sh-pudong', name: 'FreshMart Shanghai Pudong' },
  { storeId: 'bj-chaoyang', name: 'FreshMart Beijing Chaoyang' },
];

export const DEMO_PRODUCTS: DemoProduct[] = [
  { sku: 'milk-1l', name: 'Fresh Milk 1 L', price: 1590, currency: 'CNY', gtin: '6901234000016', category: 'dairy', brand: 'Bright Meadow' },
  { sku: 'yogurt-4x100', name: 'Plain Yogurt 4 x 100 g', price: 1290, currency: 'CNY', gtin: '6901234000023', category: 'dairy', brand: 'Bright Meadow' },
  { sku: 'cheese-200', name: 'Cheddar Slices 200 g', price: 2690, currency: 'CNY', gtin: '6901234000030', category: 'dairy', brand: 'Alpine Farm' },
  { sku: 'cola-330', name: 'Cola 330 ml can', price: 350, currency: 'CNY', gtin: '6904567000012', category: 'beverages', brand: 'Fizzo' },
  { sku: 'green-tea-500', name: 'Jasmine Green Tea 500 ml', price: 450, currency: 'CNY', gtin: '6904567000029', category: 'beverages', brand: 'TeaLeaf' },
  { sku: 'rice-5kg', name: 'Northeast Rice 5 kg', price: 4990, currency: 'CNY', gtin: '6920001000059', category: 'pantry', brand: 'Golden Field' },
  { sku: 'noodles-5pk', name: 'Instant Noodles 5-pack', price: 1250, currency: 'CNY', gtin: '6920001000127', category: 'pantry', brand: 'Noodle King' },
  { sku: 'chips-70', name: 'Potato Chips Original 70 g', price: 790, currency: 'CNY', gtin: '6937777000107', category: 'snacks', brand: 'CrispCo' },
  { sku: 'chocolate-100', name: 'Dark Chocolate 70% 100 g', price: 1590, currency: 'CNY', gtin: '6937777000275', category: 'snacks', brand: 'CocoaLand' },
  { sku: 'detergent-2l', name: 'Laundry Detergent 2 L', price: 3990, currency: 'CNY', gtin: '6945555000133', category: 'household', brand: 'CleanWave' },
];

const DAY = 24 * 60 * 60 * 1000;

/** Coupons of every kind: amount off, percent off with a cap, minimum spend, sku/category/brand targets, store-only. */
export function demoCoupons(now = new Date()): DemoCoupon[] {
  const inDays = (d: number) => new Date(now.getTime() + d * DAY).toISOString();
  return [
    {
      key: 'milk-3-off',
      body: { title: '¥3 off Fresh Milk 1 L', discount: { type: 'AMOUNT_OFF', amount: 300 }, target: { skus: ['milk-1l'] }, totalQuantity: 500, perUserLimit: 1, validDaysAfterClaim: 14, priority: 1 },
    },
    {
      key: 'bright-meadow-2-off',
      body: { title: '¥2 off any Bright Meadow product', discount: { type: 'AMOUNT_OFF', amount: 200 }, target: { brands: ['Bright Meadow'] }, totalQuantity: 1000, perUserLimit: 2, validDaysAfterClaim: 30 },
    },
    {
      key: 'beverages-15pct',
      body: { title: '15% off drinks, up to ¥5', discount: { type: 'PERCENT_OFF', percent: 15, maxDiscount: 500 }, target: { categories: ['beverages'] }, totalQuantity: 1000, perUserLimit: 3, claimableUntil: inDays(60), validDaysAfterClaim: 7 },
    },
    {
      key: 'snacks-20pct',
      body: { title: '20% off CrispCo and CocoaLand snacks, up to ¥8', discount: { type: 'PERCENT_OFF', percent: 20, maxDiscount: 800 }, target: { brands: ['CrispCo', 'CocoaLand'] }, totalQuantity: 400, validUntil: inDays(90) },
    },
    {
      key: 'spend-99-save-10',
      body: { title: '¥10 off when you spend ¥99', discount: { type: 'AMOUNT_OFF', amount: 1000 }, minSpend: 9900, totalQuantity: 300, perUserLimit: 1, validDaysAfterClaim: 30 },
    },
    {
      key: 'xuhui-5-off-50',
      body: { title: 'Xuhui store: ¥5 off ¥50', discount: { type: 'AMOUNT_OFF', amount: 500 }, minSpend: 5000, storeIds: ['sh-xuhui'], totalQuantity: 200, validDaysAfterClaim: 14 },
    },
    {
      key: 'pudong-dairy-10pct',
      body: { title: 'Pudong opening week: 10% off dairy, up to ¥10', discount: { type: 'PERCENT_OFF', percent: 10, maxDiscount: 1000 }, target: { categories: ['dairy'] }, storeIds: ['sh-pudong'], totalQuantity: 150, claimableFrom: inDays(-1), claimableUntil: inDays(30), validDaysAfterClaim: 7, priority: 2 },
    },
    {
      key: 'rice-8-off',
      body: { title: '¥8 off Northeast Rice 5 kg', discount: { type: 'AMOUNT_OFF', amount: 800 }, target: { skus: ['rice-5kg'] }, storeIds: ['sh-xuhui', 'bj-chaoyang'], totalQuantity: 100, validUntil: inDays(45) },
    },
    {
      key: 'household-12pct',
      body: { title: '12% off household, from ¥30', discount: { type: 'PERCENT_OFF', percent: 12 }, minSpend: 3000, target: { categories: ['household'] }, totalQuantity: 250, validDaysAfterClaim: 30 },
    },
  ];
}

export const DEMO_DISPLAYS: DemoDisplay[] = [
  { storeId: 'sh-xuhui', items: [{ sku: 'rice-5kg', headline: 'New harvest rice, ¥8 off with coupon' }, { sku: 'milk-1l', headline: 'Delivered fresh every morning' }] },
  { storeId: 'sh-pudong', items: [{ sku: 'yogurt-4x100', headline: 'Opening week: dairy 10% off' }, { sku: 'cheese-200', headline: 'Imported cheddar' }] },
  { storeId: 'bj-chaoyang', items: [{ sku: 'green-tea-500', headline: 'Cold drinks 15% off' }, { sku: 'chocolate-100', headline: 'Snack deals' }] },
];

/** What the banner's example scans use. */
export const DEMO_EXAMPLES = {
  scan: { code: '6901234000016', storeId: 'sh-xuhui' },
  storeQr: { code: 'https://scan.freshmart.example/s/sh-pudong?gtin=6901234000023' },
  customer: { userId: 'demo-customer', roles: ['customer'] },
  // The default merchant: a data dir seeded before tenancy holds its catalog under that id (see the upcasters).
  merchant: { userId: 'demo-merchant', roles: ['merchant'], merchantId: DEFAULT_MERCHANT_ID },
};
