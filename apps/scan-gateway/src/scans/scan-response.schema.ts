/**
 * The JSON schema of a 200 scan answer (DESIGN.md §4, `ScanResult` in @coupons/contracts), for Fastify's response
 * serializer (fast-json-stringify, compiled once at start-up): the scan is the hottest route and its body, a few KB of
 * offers, was serialized with the generic JSON.stringify on every request.
 *
 * It only shapes the output (Fastify does not validate responses), so it must name every field the views carry: a
 * field missing here would be dropped from the answer. Properties are listed in the order the views build them and
 * none is `required`, so the bytes are those JSON.stringify gives (an absent optional field stays absent);
 * `scan-response.schema.spec.ts` proves it on the read model's own answers. Numbers are `number`, not `integer`, so
 * nothing is ever rounded.
 */
const stringList = { type: 'array', items: { type: 'string' } } as const;

const discount = {
  type: 'object',
  // AMOUNT_OFF {type, amount} or PERCENT_OFF {type, percent, maxDiscount?}: one object schema with every field
  // optional writes either one as it is, without the per-value branch test of a oneOf.
  properties: {
    type: { type: 'string' },
    amount: { type: 'number' },
    percent: { type: 'number' },
    maxDiscount: { type: 'number' },
  },
} as const;

const offer = {
  type: 'object',
  properties: {
    couponId: { type: 'string' },
    merchantId: { type: 'string' },
    title: { type: 'string' },
    discount,
    minSpend: { type: 'number' },
    target: { type: 'object', properties: { skus: stringList, categories: stringList, brands: stringList } },
    storeIds: stringList,
    claimableUntil: { type: ['string', 'null'] },
    remaining: { type: 'number' },
    matchScore: { type: 'number' },
  },
} as const;

export const SCAN_RESPONSE_SCHEMA = {
  type: 'object',
  properties: {
    product: {
      type: ['object', 'null'],
      properties: {
        sku: { type: 'string' },
        gtin: { type: ['string', 'null'] },
        name: { type: 'string' },
        price: { type: 'number' },
        currency: { type: 'string' },
        merchantId: { type: 'string' },
      },
    },
    storeId: { type: ['string', 'null'] },
    coupons: { type: 'array', items: offer },
    best: { ...offer, type: ['object', 'null'] },
    displays: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          sku: { type: 'string' },
          name: { type: 'string' },
          headline: { type: 'string' },
          price: { type: 'number' },
          currency: { type: 'string' },
        },
      },
    },
  },
} as const;
