// decodeMessage skips class-transformer and class-validator for payloads conformsTo vouches for. This proves, on a
// valid payload of every message type and thousands of mutations of them, that decodeMessage gives exactly what the
// full path (plainToInstance + validateSync, whitelist + forbidNonWhitelisted) gives: the same verdict, the same
// reason, the same payload values in instances of the same classes (toStrictEqual); and that conformsTo never vouches
// for a payload the full path refuses.
import { Transform, Type, plainToInstance } from 'class-transformer';
import { IsString, ValidateNested, validateSync } from 'class-validator';
import { conformingInstance, conformsTo } from './conformance';
import { ValidateNestedType } from './nested-type';
import { envelope, isEnvelope } from './envelope';
import { DecodeResult, PayloadClasses, decodeMessage, describeValidationErrors } from './registry';

const AT = '2026-03-04T05:06:07.000Z';
const amountOff = { type: 'AMOUNT_OFF', amount: 500 };
const coupon = {
  merchantId: 'm1', couponId: 'cpn_1', title: '5 off', discount: { type: 'PERCENT_OFF', percent: 15, maxDiscount: 900 }, minSpend: 1000,
  target: { skus: ['sku-1', 'sku-2'], categories: ['drinks'], brands: ['acme'] }, storeIds: ['s1'], totalQuantity: 100, perUserLimit: 2,
  claimableFrom: AT, claimableUntil: null, validDaysAfterClaim: 30, validUntil: null, priority: 3,
};
const items = [{ sku: 'sku-1', quantity: 2, unitPrice: 350, lineTotal: 700 }, { sku: 'sku-2', quantity: 1, unitPrice: 99, lineTotal: 99 }];

/** A valid payload of every message type. */
const SAMPLES: Record<string, object> = {
  UpsertStore: { merchantId: 'm1', storeId: 's1', name: 'Store one' },
  UpsertProduct: { merchantId: 'm1', sku: 'sku-1', name: 'Tea', price: 350, currency: 'CNY', gtin: '06901234567892', category: 'drinks', brand: null },
  CreateCoupon: coupon,
  SetCouponStatus: { merchantId: 'm1', couponId: 'cpn_1', status: 'PAUSED' },
  SetStoreDisplays: { merchantId: 'm1', storeId: 's1', items: [{ sku: 'sku-1', headline: 'Fresh' }] },
  StoreUpserted: { merchantId: 'm1', storeId: 's1', name: 'Store one' },
  ProductUpserted: { merchantId: 'm1', sku: 'sku-1', name: 'Tea', price: 350, currency: 'CNY' },
  CouponCreated: { ...coupon, discount: amountOff, target: {}, status: 'ACTIVE', createdAt: AT },
  CouponStatusChanged: { merchantId: 'm1', couponId: 'cpn_1', status: 'ACTIVE' },
  StoreDisplaysSet: { merchantId: 'm1', storeId: 's1', items: [{ sku: 'sku-1', headline: 'Fresh' }, { sku: 'sku-2', headline: 'New' }] },
  CatalogCommandRejected: { commandType: 'CreateCoupon', code: 'INVALID', message: 'no', details: [{ field: 'title' }, 'x', 1], httpStatus: 400 },
  ClaimCoupon: { claimId: 'clm_1', couponId: 'cpn_1', userId: 'u1', requestedAt: AT },
  CouponClaimed: {
    claimId: 'clm_1', couponId: 'cpn_1', userId: 'u1', title: '5 off', discount: amountOff, claimedAt: AT, validUntil: AT, issuedCount: 7,
    userClaimSeq: 1, totalQuantity: 100, perUserLimit: 2,
  },
  ClaimRejected: { claimId: 'clm_1', couponId: 'cpn_1', userId: 'u1', code: 'OUT_OF_STOCK', message: 'gone' },
  PlaceOrder: {
    orderId: 'o1', userId: 'u1', storeId: 's1', items: [{ sku: 'sku-1', quantity: 2 }], couponId: null, requestedAt: AT,
    mustHaveSeen: [{ topic: 'wallet.events.v1', partition: 0, offset: '12' }],
  },
  CancelOrder: { orderId: 'o1', userId: 'u1', requestedAt: AT },
  OrderProcessed: {
    orderId: 'o1', userId: 'u1', storeId: 's1', items, subtotal: 799, discount: 100, total: 699, currency: 'CNY',
    appliedCoupon: { claimId: 'clm_1', couponId: 'cpn_1', title: '1 off' }, processedAt: AT,
  },
  OrderRejected: { orderId: 'o1', userId: 'u1', code: 'UNKNOWN_SKU', message: 'no sku', details: ['sku-9'] },
  OrderCancelled: { orderId: 'o1', userId: 'u1', cancelledAt: AT },
  OrderCancelRejected: { orderId: 'o1', userId: 'u1', code: 'ALREADY_CANCELLED', message: 'twice' },
  CouponRedeemed: { claimId: 'clm_1', couponId: 'cpn_1', userId: 'u1', orderId: 'o1', redeemedAt: AT },
  CouponReleased: { claimId: 'clm_1', couponId: 'cpn_1', userId: 'u1', orderId: 'o1', releasedAt: AT },
  UpdateCoupon: { merchantId: 'm-1', couponId: 'cpn_1', title: 'New title', claimableUntil: AT, status: 'ENDED' },
  CouponUpdated: { merchantId: 'm-1', couponId: 'cpn_1', title: 'New title', priority: 2, claimableUntil: null, status: 'PAUSED' },
  ChangeCouponStock: { couponId: 'cpn_1', totalQuantity: 40 },
  CouponStockChanged: { couponId: 'cpn_1', totalQuantity: 40, perUserLimit: 2, issued: 31 },
  CouponStockChangeRejected: { couponId: 'cpn_1', code: 'BELOW_ISSUED', message: 'no', field: 'totalQuantity', httpStatus: 409 },
};

/**
 * The decoding decodeMessage had before conformsTo: class-transformer, then class-validator. Some payloads make
 * class-transformer throw (an object with a `constructor` key inside an untyped array): decodeMessage reports those
 * invalid (a dead letter for a consumer) instead of throwing.
 */
function fullPath(type: string, json: string): DecodeResult {
  const env = JSON.parse(json);
  if (!isEnvelope(env)) return { ok: false, reason: 'not a message envelope' };
  const payload = plainToInstance(PayloadClasses[type], env.payload);
  const errors = validateSync(payload, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) return { ok: false, reason: `invalid ${type}: ${describeValidationErrors(errors).join('; ')}` };
  return { ok: true, envelope: { ...env, payload } };
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  null, '', ' ', 'x', 'cpn 1', 'a'.repeat(65), 'a'.repeat(201), '2026-13-01T00:00:00Z', '2026-03-04', '2026-03-04T05:06:07+08:00', 'CNY', 'cny',
  'AMOUNT_OFF', 'PERCENT_OFF', 'ACTIVE', 'OUT_OF_STOCK', '12', '-1', 0, 1, -1, 1.5, 100, 101, 999, 1000, 2 ** 31, 1e15, Number.MAX_SAFE_INTEGER,
  true, false, [], ['sku-1'], [1], [null], [[]], [{}], {}, { type: 'AMOUNT_OFF' }, { type: 'AMOUNT_OFF', amount: 1 },
  { type: 'PERCENT_OFF', percent: 100 }, { type: 'FREE', amount: 1 }, { sku: 'sku-1', quantity: 1 }, { sku: 'sku-1', headline: 'h' },
  { claimId: 'c', couponId: 'c', title: 't' }, { topic: 't', partition: 0, offset: '1' },
];
const ODD_KEYS = ['extra', 'constructor', 'toString', 'hasOwnProperty', '__proto__', 'type', 'amount', 'percent', 'sku', 'skus'];

/** Every path to a value inside `v` (objects and arrays), the root included. */
function paths(v: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

/** One to three random edits of a payload: a value replaced, a key removed or added, an array emptied or grown. */
function mutate(payload: object, next: () => number): unknown {
  let root: any = structuredClone(payload);
  const pick = <T>(xs: readonly T[]): T => structuredClone(xs[Math.floor(next() * xs.length)]);
  for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) {
    const path = pick(paths(root));
    const parent = path.slice(0, -1).reduce((o: any, k) => o[k], root);
    const key = path[path.length - 1];
    const target = path.reduce((o: any, k) => o[k], root);
    const r = next();
    if (path.length === 0) {
      if (r < 0.1) root = pick(ODD_VALUES);
      else if (root && typeof root === 'object' && !Array.isArray(root)) root[pick(ODD_KEYS)] = pick(ODD_VALUES);
    } else if (r < 0.45) parent[key] = pick(ODD_VALUES);
    else if (r < 0.6 && !Array.isArray(parent)) delete parent[key];
    else if (r < 0.8 && target && typeof target === 'object' && !Array.isArray(target)) target[pick(ODD_KEYS)] = pick(ODD_VALUES);
    else if (Array.isArray(target)) {
      if (r < 0.9) target.length = 0;
      else target.push(target.length ? structuredClone(target[0]) : pick(ODD_VALUES));
    } else if (typeof target === 'string') parent[key] = `${target}${pick(['', ' ', 'x', '\n'])}`;
    else if (typeof target === 'number') parent[key] = target + pick([-1, 1, 0.5, -target]);
  }
  return root;
}

/** A message as the broker carries it; `__proto__` as a key goes through JSON text, as it would on the wire. */
const message = (type: string, payload: unknown): string => {
  const json = JSON.stringify(envelope(type, { __payload__: true }, { aggregateId: 'a', correlationId: 'c', occurredAt: AT }));
  return json.replace('{"__payload__":true}', JSON.stringify(payload) ?? 'null');
};

function outcome(fn: () => DecodeResult): DecodeResult | { threw: string } {
  try {
    return fn();
  } catch (err) {
    return { threw: (err as Error).message };
  }
}

describe('conformsTo and decodeMessage', () => {
  it.each(Object.keys(PayloadClasses))('vouches for a valid %s, and decodeMessage gives what the full path gives', (type) => {
    expect(SAMPLES[type]).toBeDefined();
    const json = message(type, SAMPLES[type]);
    expect(conformsTo(PayloadClasses[type], JSON.parse(json).payload)).toBe(true);
    const full = fullPath(type, json);
    expect(full.ok).toBe(true);
    // One shape: the same classes as the full path's instances, not only the same values.
    expect(decodeMessage(json)).toStrictEqual(full);
  });

  it.each(Object.keys(PayloadClasses))('decodes 400 mutations of %s exactly as the full path, and vouches only for valid ones', (type) => {
    const next = rng(Object.keys(PayloadClasses).indexOf(type) + 1);
    let vouched = 0;
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const json = message(type, mutate(SAMPLES[type], next));
      const full = outcome(() => fullPath(type, json));
      const decoded = outcome(() => decodeMessage(json));
      if ('threw' in decoded) throw new Error(`decodeMessage threw on ${json}: ${decoded.threw}`);
      if ('threw' in full) {
        // class-transformer throws on this payload: decodeMessage calls it invalid (dead letter), never vouches for it.
        expect(decoded).toEqual({ ok: false, reason: expect.stringMatching(new RegExp(`^invalid ${type}: `)) });
        expect(conformsTo(PayloadClasses[type], JSON.parse(json).payload)).toBe(false);
        continue;
      }
      if (decoded.ok !== full.ok) throw new Error(`decodeMessage says ${decoded.ok}, the full path ${full.ok}, for ${json}`);
      expect(decoded).toStrictEqual(full);
      if (conformsTo(PayloadClasses[type], JSON.parse(json).payload)) {
        if (!full.ok) throw new Error(`conformsTo vouched for an invalid payload: ${json}`);
        vouched++;
      } else if (!full.ok) {
        refused++;
      }
    }
    // Both sides are exercised: mutations that stay valid (an optional key dropped...) and ones that do not.
    expect(refused).toBeGreaterThan(100);
    expect(vouched + refused).toBeLessThanOrEqual(400);
  });

  it('reports a payload class-transformer throws on as invalid instead of throwing', () => {
    const json = message('StoreUpserted', { storeId: 's1', name: { constructor: 1 } });
    expect(() => fullPath('StoreUpserted', json)).toThrow();
    expect(decodeMessage(json)).toEqual({ ok: false, reason: expect.stringMatching(/^invalid StoreUpserted: /) });
  });

  it('leaves to the full path what it does not follow: keys class-transformer drops, objects passed in, non-objects', () => {
    const claimed = SAMPLES.CouponClaimed as Record<string, unknown>;
    // class-transformer skips a `constructor` key, so the full path accepts it (dropped): conformsTo does not vouch.
    const withConstructor = `{${JSON.stringify(claimed).slice(1, -1)},"constructor":1}`;
    expect(conformsTo(PayloadClasses.CouponClaimed, JSON.parse(withConstructor))).toBe(false);
    const json = message('CouponClaimed', JSON.parse(withConstructor));
    expect(decodeMessage(json)).toStrictEqual(fullPath('CouponClaimed', json));
    expect(fullPath('CouponClaimed', json).ok).toBe(true);
    expect(conformsTo(PayloadClasses.CouponClaimed, null)).toBe(false);
    expect(conformsTo(PayloadClasses.CouponClaimed, [claimed])).toBe(false);
    // An object the caller holds is not handed back as is: it goes through plainToInstance.
    const env = JSON.parse(message('CouponClaimed', claimed));
    const r = decodeMessage(env);
    expect(r.ok && r.envelope.payload).not.toBe(env.payload);
  });

  it('leaves to the full path a class whose values plainToInstance converts, or whose nested type it cannot read', () => {
    class Inner {
      @IsString() name!: string;
    }
    class Trimmed {
      @IsString() @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) name!: string;
    }
    class RawNested {
      @ValidateNested() @Type(() => Inner) inner!: Inner;
    }
    class Declared {
      @ValidateNestedType(() => Inner) inner!: Inner;
    }
    expect(conformsTo(Trimmed, { name: ' a ' })).toBe(false);
    expect(conformsTo(RawNested, { inner: { name: 'a' } })).toBe(false);
    // The same shape declared with ValidateNestedType is followed, and built as plainToInstance builds it.
    const built = conformingInstance(Declared, { inner: { name: 'a' } });
    expect(built).toStrictEqual(plainToInstance(Declared, { inner: { name: 'a' } }));
    expect((built as Declared).inner).toBeInstanceOf(Inner);
  });
});
