import type { CouponAdminView, ScanResult } from '@coupons/contracts';
import { ApiClient, ApiProblem } from '../shared/api';
import type { CreateCouponBody, PatchCouponBody } from './coupon-form';
import { Page, pageQuery, readPage } from './paging';

export interface MerchantStore {
  storeId: string;
  name: string;
}

export interface MerchantProduct {
  sku: string;
  name: string;
  price: number;
  currency: string;
  gtin: string | null;
  category: string | null;
  brand: string | null;
}

export interface DisplayItem {
  sku: string;
  headline: string;
}

/**
 * A coupon as the admin API answers it. `status` may be ENDED and the daily caps and time zone may be there, from
 * the lists-and-edits change; `remaining` is computed here when an older gateway leaves it out.
 */
export type MerchantCoupon = Omit<CouponAdminView, 'status'> & {
  status: string;
  remaining?: number;
  dailyQuantity?: number | null;
  perUserDailyLimit?: number | null;
  timeZone?: string;
};

export const remainingOf = (c: MerchantCoupon) => c.remaining ?? Math.max(0, c.totalQuantity - c.issued);

/** A list route this gateway does not have yet (it answers 404 or 405 for the path itself). */
export class ListUnavailable extends Error {
  constructor(readonly what: string) {
    super(`${what}: this gateway has no list route yet`);
    this.name = 'ListUnavailable';
  }
}

const enc = encodeURIComponent;

async function list<T>(api: ApiClient, path: string, filters: Record<string, string | undefined>, cursor: string | null): Promise<Page<T>> {
  try {
    const { body } = await api.get<unknown>(`${path}${pageQuery(filters, cursor)}`);
    return readPage<T>(body);
  } catch (err) {
    if (err instanceof ApiProblem && (err.status === 404 || err.status === 405)) throw new ListUnavailable(path);
    throw err;
  }
}

/** The admin routes the console calls (DESIGN's HTTP contract; the OpenAPI document at /docs). */
export class MerchantApi {
  constructor(private readonly api: ApiClient) {}

  stores(cursor: string | null = null): Promise<Page<MerchantStore>> {
    return list(this.api, '/v1/admin/stores', {}, cursor);
  }

  products(filters: { q?: string; category?: string; brand?: string }, cursor: string | null = null): Promise<Page<MerchantProduct>> {
    return list(this.api, '/v1/admin/products', filters, cursor);
  }

  coupons(filters: { status?: string; storeId?: string; q?: string }, cursor: string | null = null): Promise<Page<MerchantCoupon>> {
    return list(this.api, '/v1/admin/coupons', filters, cursor);
  }

  async putStore(storeId: string, name: string): Promise<MerchantStore> {
    return (await this.api.put<MerchantStore>(`/v1/admin/stores/${enc(storeId)}`, { body: { name } })).body;
  }

  /**
   * A store's promoted products as they are now. The admin API has no read of them; a shopper's scan of the store's
   * QR code (any host, `/s/<storeId>`) answers them, so the editor starts from what shoppers see.
   */
  async displays(storeId: string): Promise<DisplayItem[]> {
    const { body } = await this.api.post<ScanResult>('/v1/scans', { body: { code: `${window.location.origin}/s/${enc(storeId)}`, storeId } });
    return body.displays.map(({ sku, headline }) => ({ sku, headline }));
  }

  async putDisplays(storeId: string, items: DisplayItem[]): Promise<{ storeId: string; items: DisplayItem[] }> {
    return (await this.api.put<{ storeId: string; items: DisplayItem[] }>(`/v1/admin/stores/${enc(storeId)}/displays`, { body: { items } })).body;
  }

  async putProduct(sku: string, body: Omit<MerchantProduct, 'sku' | 'gtin' | 'category' | 'brand'> & Partial<MerchantProduct>): Promise<MerchantProduct> {
    return (await this.api.put<MerchantProduct>(`/v1/admin/products/${enc(sku)}`, { body })).body;
  }

  async createCoupon(body: CreateCouponBody, idempotencyKey: string): Promise<MerchantCoupon> {
    return (await this.api.post<MerchantCoupon>('/v1/admin/coupons', { body, idempotencyKey })).body;
  }

  async coupon(couponId: string): Promise<MerchantCoupon> {
    return (await this.api.get<MerchantCoupon>(`/v1/admin/coupons/${enc(couponId)}`)).body;
  }

  async patchCoupon(couponId: string, body: PatchCouponBody): Promise<MerchantCoupon> {
    return (await this.api.patch<MerchantCoupon>(`/v1/admin/coupons/${enc(couponId)}`, { body })).body;
  }
}
