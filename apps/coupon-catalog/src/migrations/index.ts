import { InitialCatalogSchema1764040000000 } from './1764040000000-InitialCatalogSchema';
import { CatalogDecisionPipeline1764040400000 } from './1764040400000-CatalogDecisionPipeline';
import { CouponDailyCaps1764040600000 } from './1764040600000-CouponDailyCaps';

/** Every catalog migration, oldest first (listed explicitly: swc output has no glob-friendly layout guarantees). */
export const CATALOG_MIGRATIONS = [InitialCatalogSchema1764040000000, CatalogDecisionPipeline1764040400000, CouponDailyCaps1764040600000];
