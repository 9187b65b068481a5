import { EntityManager, In } from 'typeorm';
import { CatalogState } from './decisions';
import { CouponEntity, ProductEntity, StoreEntity } from './entities';

/** CatalogState read inside the deciding transaction. */
export function catalogStateOf(em: EntityManager): CatalogState {
  return {
    storeExists: async (storeId) => (await em.countBy(StoreEntity, { storeId })) > 0,
    skuWithGtin: async (gtin) => (await em.findOne(ProductEntity, { where: { gtin }, select: { sku: true } }))?.sku ?? null,
    coupon: (couponId) => em.findOneBy(CouponEntity, { couponId }),
    unknownSkus: async (skus) => {
      const unique = [...new Set(skus)];
      if (unique.length === 0) return new Set();
      const found = await em.find(ProductEntity, { where: { sku: In(unique) }, select: { sku: true } });
      const known = new Set(found.map((p) => p.sku));
      return new Set(unique.filter((s) => !known.has(s)));
    },
  };
}
