import { EntityManager, In } from 'typeorm';
import { CatalogState } from './decisions';
import { CouponEntity, ProductEntity, StoreEntity } from './entities';

/** The values of `wanted` not among `found`. */
const missing = (wanted: string[], found: string[]): Set<string> => {
  const known = new Set(found);
  return new Set(wanted.filter((v) => !known.has(v)));
};

/** CatalogState read inside the deciding transaction. */
export function catalogStateOf(em: EntityManager): CatalogState {
  return {
    storeOwner: async (storeId) => (await em.findOne(StoreEntity, { where: { storeId }, select: { merchantId: true } }))?.merchantId ?? null,
    skuWithGtin: async (merchantId, gtin) => (await em.findOne(ProductEntity, { where: { merchantId, gtin }, select: { sku: true } }))?.sku ?? null,
    coupon: (couponId) => em.findOneBy(CouponEntity, { couponId }),
    unknownSkus: async (merchantId, skus) => {
      const unique = [...new Set(skus)];
      if (unique.length === 0) return new Set();
      const found = await em.find(ProductEntity, { where: { merchantId, sku: In(unique) }, select: { sku: true } });
      return missing(unique, found.map((p) => p.sku));
    },
    unknownStores: async (merchantId, storeIds) => {
      const unique = [...new Set(storeIds)];
      if (unique.length === 0) return new Set();
      const found = await em.find(StoreEntity, { where: { merchantId, storeId: In(unique) }, select: { storeId: true } });
      return missing(unique, found.map((s) => s.storeId));
    },
  };
}
