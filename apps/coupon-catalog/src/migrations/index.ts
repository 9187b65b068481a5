import { InitialCatalogSchema1764040000000 } from './1764040000000-InitialCatalogSchema';
import { CatalogDecisionPipeline1764040400000 } from './1764040400000-CatalogDecisionPipeline';
import { MerchantTenancy1764040500000 } from './1764040500000-MerchantTenancy';
import { CatalogCreationTimes1764040560000 } from './1764040560000-CatalogCreationTimes';
import { CouponDailyCaps1764040600000 } from './1764040600000-CouponDailyCaps';
import { CouponStockTerms1764045150000 } from './1764045150000-CouponStockTerms';

/** Every catalog migration, oldest first (listed explicitly: swc output has no glob-friendly layout guarantees). */
export const CATALOG_MIGRATIONS = [
  InitialCatalogSchema1764040000000, CatalogDecisionPipeline1764040400000, MerchantTenancy1764040500000, CatalogCreationTimes1764040560000,
  CouponDailyCaps1764040600000, CouponStockTerms1764045150000,
];
