import { CatalogEventTypes, ScanResult } from '@coupons/contracts';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ScanModel } from '@coupons/coupon-rules';
import { SCAN_RESPONSE_SCHEMA } from './scan-response.schema';

const NOW = Date.parse('2026-06-01T12:00:00Z');

/** What the gateway's Fastify writes for a 200 answer of a route with this response schema. */
async function serialize(answer: ScanResult): Promise<string> {
  const fastify = new FastifyAdapter().getInstance();
  fastify.get('/', { schema: { response: { 200: SCAN_RESPONSE_SCHEMA } } }, async () => answer);
  try {
    return (await fastify.inject({ method: 'GET', url: '/' })).body;
  } finally {
    await fastify.close();
  }
}

function model(): ScanModel {
  const m = new ScanModel();
  const coupon = (couponId: string, over: Record<string, unknown>) => ({
    type: CatalogEventTypes.couponCreated,
    payload: {
      merchantId: 'm1', couponId, title: `Title of ${couponId} "quoted" \\ é 店 \u2028`, discount: { type: 'AMOUNT_OFF', amount: 100 }, minSpend: 0, target: {}, storeIds: [],
      totalQuantity: 10, perUserLimit: 1, claimableFrom: null, claimableUntil: null, validDaysAfterClaim: null, validUntil: null, priority: 0,
      status: 'ACTIVE', createdAt: '2026-01-01T00:00:00.000Z', ...over,
    },
  });
  for (const e of [
    { type: CatalogEventTypes.storeUpserted, payload: { merchantId: 'm1', storeId: 's1', name: 's1' } },
    { type: CatalogEventTypes.productUpserted, payload: { merchantId: 'm1', sku: 'milk', name: 'Milk "1L"', price: 1500, currency: 'CNY', gtin: '06901234000016', category: 'dairy', brand: 'Acme' } },
    { type: CatalogEventTypes.productUpserted, payload: { merchantId: 'm1', sku: 'bread', name: 'Bread', price: 0, currency: 'EUR', gtin: null, category: null, brand: null } },
    { type: CatalogEventTypes.storeDisplaysSet, payload: { merchantId: 'm1', storeId: 's1', items: [{ sku: 'milk', headline: 'Fresh\nmilk' }, { sku: 'bread', headline: '' }] } },
    coupon('c-sku', { target: { skus: ['milk', 'x'] }, claimableUntil: '2026-06-02T00:00:00.000Z', priority: 3 }),
    coupon('c-dairy', { target: { categories: ['dairy'], brands: ['Acme'] }, discount: { type: 'PERCENT_OFF', percent: 10, maxDiscount: null } }),
    coupon('c-capped', { target: { brands: ['Acme'] }, discount: { type: 'PERCENT_OFF', percent: 15, maxDiscount: 0 }, minSpend: 2000 }),
    coupon('c-s1', { storeIds: ['s1', 's2'] }),
    coupon('c-whole', {}),
  ]) m.applyCatalog(e as never);
  m.applyIssued('c-whole', 4);
  return m;
}

describe('SCAN_RESPONSE_SCHEMA', () => {
  it.each([
    ['a product in a store, every kind of offer and display', { gtin: '06901234000016', storeId: 's1' }],
    ['a product without a store', { gtin: '06901234000016' }],
    ['a product without a GTIN, price 0', { sku: 'bread', storeId: 's1' }],
    ['a store only', { storeId: 's1' }],
    ['nothing known: product and best null, empty lists', { gtin: '00000000000017', storeId: 'nowhere' }],
  ])('%s: the bytes JSON.stringify gives', async (_, query) => {
    const answer = model().scan(query, NOW);
    expect(await serialize(answer)).toBe(JSON.stringify(answer));
  });

  it('drops nothing the answers carry', async () => {
    const answer = model().scan({ gtin: '06901234000016', storeId: 's1' }, NOW);
    expect(answer.coupons).toHaveLength(5);
    expect(answer.displays).toHaveLength(2);
    expect(JSON.parse(await serialize(answer))).toEqual(answer);
  });

  it('is what Fastify uses: a field the schema does not name is dropped (so the tests above would catch one)', async () => {
    const answer = { ...model().scan({ storeId: 's1' }, NOW), extra: 1 };
    expect(JSON.parse(await serialize(answer))).not.toHaveProperty('extra');
  });
});
