// A synthetic retail chain for the benchmark: stores, products with valid GTINs, coupons of every targeting kind,
// promoted products, and users. Deterministic (seeded), loaded through the admin API as a merchant would.
import { SignJWT } from 'jose';
import { pool, progressBar } from './load';

export interface ChainSize {
  users: number;
  stores: number;
  products: number;
  coupons: number;
}

export const FULL_CHAIN: ChainSize = { users: 10_000, stores: 50, products: 5_000, coupons: 500 };
export const QUICK_CHAIN: ChainSize = { users: 1_000, stores: 10, products: 300, coupons: 50 };

export interface BenchProduct {
  sku: string;
  gtin: string;
  name: string;
  price: number;
  category: string;
  brand: string;
}

export interface BenchCoupon {
  /** Assigned by the server once created. */
  couponId?: string;
  body: {
    title: string;
    discount: { type: 'AMOUNT_OFF'; amount: number } | { type: 'PERCENT_OFF'; percent: number; maxDiscount?: number };
    target?: { skus?: string[]; categories?: string[]; brands?: string[] };
    storeIds?: string[];
    totalQuantity: number;
    perUserLimit: number;
    validDaysAfterClaim: number;
    priority: number;
  };
}

export interface Chain {
  size: ChainSize;
  stores: string[];
  products: BenchProduct[];
  coupons: BenchCoupon[];
  displays: Array<{ storeId: string; items: Array<{ sku: string; headline: string }> }>;
  users: string[];
}

/** mulberry32: a small seeded PRNG, so two runs load the same chain. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** GTIN-13 with its GS1 check digit from 12 digits. */
export function gtin13(first12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return first12 + String((10 - (sum % 10)) % 10);
}

const CATEGORIES = ['dairy', 'drinks', 'bakery', 'snacks', 'frozen', 'produce', 'meat', 'household', 'beauty', 'baby', 'pets', 'pantry', 'coffee', 'tea', 'wine', 'beer', 'cereal', 'sweets', 'health', 'deli'];
const BRANDS = Array.from({ length: 40 }, (_, i) => `Brand${String(i + 1).padStart(2, '0')}`);

export function makeChain(size: ChainSize, seed = 42): Chain {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const some = <T>(xs: readonly T[], n: number): T[] => [...new Set(Array.from({ length: n }, () => pick(xs)))];
  const stores = Array.from({ length: size.stores }, (_, i) => `store-${String(i + 1).padStart(3, '0')}`);
  const products = Array.from({ length: size.products }, (_, i): BenchProduct => ({
    sku: `sku-${String(i + 1).padStart(5, '0')}`,
    gtin: gtin13(`690${String(i + 1).padStart(9, '0')}`),
    name: `Product ${i + 1}`,
    price: 100 + Math.floor(r() * 200) * 50,
    category: pick(CATEGORIES),
    brand: pick(BRANDS),
  }));
  const coupons = Array.from({ length: size.coupons }, (_, i): BenchCoupon => {
    // Mostly product coupons (sku 45%, category 25%, brand 25%), a few whole-order ones (5%): a scan is then offered
    // a few dozen coupons, as a chain's app would show.
    const kind = r();
    const target =
      kind < 0.45 ? { skus: some(products, 1 + Math.floor(r() * 3)).map((p) => p.sku) }
      : kind < 0.7 ? { categories: [pick(CATEGORIES)] }
      : kind < 0.95 ? { brands: [pick(BRANDS)] }
      : undefined;
    const discount = r() < 0.6
      ? { type: 'AMOUNT_OFF' as const, amount: 50 + Math.floor(r() * 20) * 10 }
      : { type: 'PERCENT_OFF' as const, percent: 5 + Math.floor(r() * 30), ...(r() < 0.5 ? { maxDiscount: 500 } : {}) };
    return {
      body: {
        title: `Bench coupon ${i + 1}`,
        discount,
        ...(target ? { target } : {}),
        ...(r() < 0.3 ? { storeIds: some(stores, 1 + Math.floor(r() * 5)) } : {}),
        // Stock and limits large enough that the claim load measures decisions, not refusals.
        totalQuantity: 10_000_000,
        perUserLimit: 5,
        validDaysAfterClaim: 30,
        priority: Math.floor(r() * 5),
      },
    };
  });
  const displays = stores.map((storeId) => ({ storeId, items: some(products, 5).map((p) => ({ sku: p.sku, headline: `Deal on ${p.name}` })) }));
  const users = Array.from({ length: size.users }, (_, i) => `user-${String(i + 1).padStart(5, '0')}`);
  return { size, stores, products, coupons, displays, users };
}

/** HS256 tokens signed with the gateway's secret (what POST /v1/auth/dev-token would give, without 10k requests). */
export async function signTokens(userIds: readonly string[], secret: string, roles: string[]): Promise<Map<string, string>> {
  const key = new TextEncoder().encode(secret);
  const out = new Map<string, string>();
  for (const userId of userIds) {
    out.set(userId, await new SignJWT({ roles }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(userId).setIssuedAt().setExpirationTime('4h').sign(key));
  }
  return out;
}

/** Loads the chain through the admin API (stores, products, coupons, displays), a few requests at a time. */
export async function seedChain(gatewayUrl: string, merchantToken: string, chain: Chain): Promise<void> {
  const call = async (method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ couponId?: string }> => {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${gatewayUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${merchantToken}`, ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      if (res.status === 200 || res.status === 201) return JSON.parse(text);
      if (![202, 503, 504].includes(res.status) || attempt >= 10) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  };
  const total = chain.stores.length + chain.products.length + chain.coupons.length + chain.displays.length;
  const bar = progressBar('loading the chain (admin API)', total, 'writes');
  let done = 0;
  const tick = () => bar.update(++done);
  try {
    await pool(chain.stores, 16, async (storeId) => void (await call('PUT', `/v1/admin/stores/${storeId}`, { name: `Store ${storeId}` })), tick);
    await pool(chain.products, 16, async ({ sku, ...p }) => void (await call('PUT', `/v1/admin/products/${sku}`, p)), tick);
    await pool(chain.coupons, 16, async (c, i) => {
      const created = await call('POST', '/v1/admin/coupons', c.body, { 'idempotency-key': `bench-coupon-${i}` });
      c.couponId = created.couponId;
    }, tick);
    await pool(chain.displays, 16, async (d) => void (await call('PUT', `/v1/admin/stores/${d.storeId}/displays`, { items: d.items })), tick);
  } finally {
    bar.stop();
  }
}
