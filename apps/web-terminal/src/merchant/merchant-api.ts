import type { CouponAdminView, ProductView, ScanResult, StoreView } from '@coupons/contracts';
import { ApiClient } from '../shared/api';
import type { CreateCouponBody, PatchCouponBody } from './coupon-form';
import { Page, pageQuery, readPage } from './paging';

/** A store as the admin routes answer it (lists add createdAt and merchantId). */
export type MerchantStore = Pick<StoreView, 'storeId' | 'name'>;

/** A product as the admin routes answer it (lists add createdAt and merchantId). */
export type MerchantProduct = Omit<ProductView, 'merchantId' | 'createdAt'>;

export interface DisplayItem {
  sku: string;
  headline: string;
}

/** A coupon as the admin routes answer it; list items also carry `remaining`, a single coupon's is worked out. */
export type MerchantCoupon = CouponAdminView & { remaining?: number };

export const remainingOf = (c: MerchantCoupon) => c.remaining ?? Math.max(0, c.totalQuantity - c.issued);

const enc = encodeURIComponent;

async function list<T>(api: ApiClient, path: string, filters: Record<string, string | undefined>, cursor: string | null): Promise<Page<T>> {
  const { body } = await api.get<unknown>(`${path}${pageQuery(filters, cursor)}`);
  return readPage<T>(body);
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
