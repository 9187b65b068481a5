import { InitialCatalogSchema1764040000000 } from './1764040000000-InitialCatalogSchema';
import { CatalogDecisionPipeline1764040400000 } from './1764040400000-CatalogDecisionPipeline';
import { MerchantTenancy1764040500000 } from './1764040500000-MerchantTenancy';

/** Every catalog migration, oldest first (listed explicitly: swc output has no glob-friendly layout guarantees). */
export const CATALOG_MIGRATIONS = [InitialCatalogSchema1764040000000, CatalogDecisionPipeline1764040400000, MerchantTenancy1764040500000];
