import { InitialCatalogSchema1764040000000 } from './1764040000000-InitialCatalogSchema';

/** Every catalog migration, oldest first (listed explicitly: swc output has no glob-friendly layout guarantees). */
export const CATALOG_MIGRATIONS = [InitialCatalogSchema1764040000000];
