import { ArgumentMetadata } from '@nestjs/common';
import { CreateCouponRequest } from '../admin/dto/create-coupon.dto';
import { StoreIdParam } from '../admin/dto/params';
import { SetDisplaysRequest } from '../admin/dto/set-displays.dto';
import { UpdateCouponRequest } from '../admin/dto/update-coupon.dto';
import { UpsertProductRequest } from '../admin/dto/upsert-product.dto';
import { UpsertStoreRequest } from '../admin/dto/upsert-store.dto';
import { DevTokenRequest } from '../auth/dto/dev-token.dto';
import { ScanRequest } from '../scans/dto/scan.dto';
import { ApiError } from './api-error';
import { JsonObjectBodyPipe, gatewayValidationPipe } from './validation';

const sut = gatewayValidationPipe();

async function validate(metatype: new () => object, value: unknown, type: ArgumentMetadata['type'] = 'body') {
  try {
    return { ok: true as const, value: await sut.transform(value, { type, metatype }) };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { ok: false as const, error: err };
  }
}

function fieldsOf(error: ApiError): string[] {
  return (error.details as Array<{ field: string }>).map((d) => d.field);
}

const coupon = { title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, totalQuantity: 10 };
const product = { name: 'Cola', price: 350 };

describe('gateway validation', () => {
  it.each([
    ['store without name', UpsertStoreRequest, {}, ['name']],
    ['store with an empty name', UpsertStoreRequest, { name: '' }, ['name']],
    ['store with an unknown field', UpsertStoreRequest, { name: 'A', owner: 'x' }, ['owner']],
    ['product with a string price', UpsertProductRequest, { ...product, price: '350' }, ['price']],
    ['product with a negative price', UpsertProductRequest, { ...product, price: -1 }, ['price']],
    ['product with a fractional price', UpsertProductRequest, { ...product, price: 3.5 }, ['price']],
    ['product with a bad gtin check digit', UpsertProductRequest, { ...product, gtin: '6901234567891' }, ['gtin']],
    ['product with a gtin of the wrong length', UpsertProductRequest, { ...product, gtin: '123456789' }, ['gtin']],
    ['product with a numeric gtin', UpsertProductRequest, { ...product, gtin: 6901234567892 }, ['gtin']],
    ['product with a lower-case currency', UpsertProductRequest, { ...product, currency: 'cny' }, ['currency']],
    ['coupon with percent 0', CreateCouponRequest, { ...coupon, discount: { type: 'PERCENT_OFF', percent: 0 } }, ['discount.percent']],
    ['coupon with percent 101', CreateCouponRequest, { ...coupon, discount: { type: 'PERCENT_OFF', percent: 101 } }, ['discount.percent']],
    ['coupon with a fractional percent', CreateCouponRequest, { ...coupon, discount: { type: 'PERCENT_OFF', percent: 12.5 } }, ['discount.percent']],
    ['coupon with an amount on a percent discount', CreateCouponRequest, { ...coupon, discount: { type: 'PERCENT_OFF', percent: 10, amount: 1 } }, ['discount.amount']],
    ['coupon with a negative amount', CreateCouponRequest, { ...coupon, discount: { type: 'AMOUNT_OFF', amount: -5 } }, ['discount.amount']],
    ['coupon with an unknown discount type', CreateCouponRequest, { ...coupon, discount: { type: 'FREE' } }, ['discount.type']],
    ['coupon with a discount that is not an object', CreateCouponRequest, { ...coupon, discount: 5 }, ['discount']],
    ['coupon without discount', CreateCouponRequest, { title: 'x', totalQuantity: 1 }, ['discount']],
    ['coupon with totalQuantity 0', CreateCouponRequest, { ...coupon, totalQuantity: 0 }, ['totalQuantity']],
    ['coupon with perUserLimit 0', CreateCouponRequest, { ...coupon, perUserLimit: 0 }, ['perUserLimit']],
    ['coupon with an unknown time zone', CreateCouponRequest, { ...coupon, timeZone: 'Mars/Olympus' }, ['timeZone']],
    ['coupon with an offset for a time zone', CreateCouponRequest, { ...coupon, timeZone: '+08:00' }, ['timeZone']],
    ['coupon with a numeric time zone', CreateCouponRequest, { ...coupon, timeZone: 8 }, ['timeZone']],
    ['coupon with dailyQuantity 0', CreateCouponRequest, { ...coupon, dailyQuantity: 0 }, ['dailyQuantity']],
    ['coupon with a fractional perUserDailyLimit', CreateCouponRequest, { ...coupon, perUserDailyLimit: 1.5 }, ['perUserDailyLimit']],
    ['coupon with a negative minSpend', CreateCouponRequest, { ...coupon, minSpend: -1 }, ['minSpend']],
    ['coupon with a bad date', CreateCouponRequest, { ...coupon, claimableUntil: 'tomorrow' }, ['claimableUntil']],
    ['coupon with a week date', CreateCouponRequest, { ...coupon, validUntil: '2026-W01-1' }, ['validUntil']],
    ['coupon with a week', CreateCouponRequest, { ...coupon, claimableFrom: '2026-W01' }, ['claimableFrom']],
    ['coupon with a basic-format date', CreateCouponRequest, { ...coupon, claimableUntil: '20260101T000000Z' }, ['claimableUntil']],
    ['coupon with a date without time', CreateCouponRequest, { ...coupon, validUntil: '2030-01-01' }, ['validUntil']],
    ['coupon with an impossible date', CreateCouponRequest, { ...coupon, validUntil: '2030-02-30T00:00:00Z' }, ['validUntil']],
    ['coupon with a store id containing a space', CreateCouponRequest, { ...coupon, storeIds: ['a b'] }, ['storeIds']],
    ['coupon with an unknown target field', CreateCouponRequest, { ...coupon, target: { colors: ['red'] } }, ['target.colors']],
    ['coupon with several bad fields', CreateCouponRequest, { title: '', discount: { type: 'AMOUNT_OFF', amount: 1.5 }, totalQuantity: -1, x: 1 }, ['title', 'discount.amount', 'totalQuantity', 'x']],
    ['status other than ACTIVE/PAUSED/ENDED', UpdateCouponRequest, { status: 'DELETED' }, ['status']],
    ['coupon edit of a field that never changes', UpdateCouponRequest, { discount: { type: 'AMOUNT_OFF', amount: 1 } }, ['discount']],
    ['coupon edit with a zero total', UpdateCouponRequest, { totalQuantity: 0 }, ['totalQuantity']],
    ['coupon edit with a fractional per-user limit', UpdateCouponRequest, { perUserLimit: 1.5 }, ['perUserLimit']],
    ['coupon edit with a claimableUntil that is no timestamp', UpdateCouponRequest, { claimableUntil: 'tomorrow' }, ['claimableUntil']],
    ['coupon edit with an empty title', UpdateCouponRequest, { title: '' }, ['title']],
    ['display item without headline', SetDisplaysRequest, { items: [{ sku: 'a' }] }, ['items.0.headline']],
    ['display item with an unknown field', SetDisplaysRequest, { items: [{ sku: 'a', headline: 'h', price: 1 }] }, ['items.0.price']],
    ['displays that are not an array', SetDisplaysRequest, { items: 'a' }, ['items']],
    ['scan without code', ScanRequest, {}, ['code']],
    ['scan with a numeric code', ScanRequest, { code: 6901234567892 }, ['code']],
    ['scan with a bad store id', ScanRequest, { code: '6901234567892', storeId: 'a b' }, ['storeId']],
    ['dev token with an unknown role', DevTokenRequest, { userId: 'u1', roles: ['owner'] }, ['roles']],
  ])('refuses %s and names the field', async (_, metatype, body, fields) => {
    const result = await validate(metatype, body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.status).toBe(400);
    expect(result.error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(result.error).sort()).toEqual([...fields].sort());
  });

  it.each([
    ['an object name', UpsertStoreRequest, { name: { a: 1 } }, 'name must be a string'],
    ['a null name', UpsertStoreRequest, { name: null }, 'name must be a string'],
    ['a string price', UpsertProductRequest, { ...product, price: '350' }, 'price must be an integer number'],
    ['an unknown field', UpsertStoreRequest, { name: 'x', owner: 1 }, 'owner should not exist'],
  ])('reports the most basic rule %s breaks, once', async (_, metatype, body, message) => {
    const result = await validate(metatype, body);
    expect(result.ok || result.error.details.filter((d) => (d as { field: string }).field !== 'name' || message.startsWith('name'))).toEqual([
      expect.objectContaining({ message }),
    ]);
  });

  it('refuses an id path parameter with a space', async () => {
    const result = await validate(StoreIdParam, { storeId: 'a b' }, 'param');
    expect(result.ok || fieldsOf(result.error)).toEqual(['storeId']);
  });

  it.each([
    ['a minimal coupon', CreateCouponRequest, coupon],
    ['a percent coupon with everything', CreateCouponRequest, {
      ...coupon, discount: { type: 'PERCENT_OFF', percent: 100, maxDiscount: 1000 }, minSpend: 0, target: { skus: ['s1'], categories: ['drinks'], brands: [] },
      storeIds: ['store-1'], perUserLimit: 2, claimableFrom: '2026-01-01T00:00:00Z', claimableUntil: '2036-12-31T00:00:00.000+08:00', validDaysAfterClaim: 30, priority: -3,
      dailyQuantity: 5, perUserDailyLimit: 1, timeZone: 'Europe/Berlin',
    }],
    ['a product with a GTIN-8', UpsertProductRequest, { ...product, gtin: '96385074', currency: 'USD', category: 'x', brand: 'y' }],
    ['displays', SetDisplaysRequest, { items: [{ sku: 'a', headline: 'h' }] }],
  ])('accepts %s', async (_, metatype, body) => {
    const result = await validate(metatype, body);
    expect(result.ok ? 'ok' : result.error.details).toBe('ok');
  });

  it('keeps the discount subtype so its own rules apply', async () => {
    const result = await validate(CreateCouponRequest, { ...coupon, discount: { type: 'PERCENT_OFF', percent: 20 } });
    expect(result.ok && (result.value as CreateCouponRequest).discount).toEqual({ type: 'PERCENT_OFF', percent: 20 });
  });

  it.each([
    ['null', null],
    ['an array', [1]],
    ['a string', 'x'],
    ['nothing', undefined],
  ])('refuses %s as a body', (_, body) => {
    const pipe = new JsonObjectBodyPipe();
    expect(() => pipe.transform(body, { type: 'body' })).toThrow(ApiError);
  });
});
