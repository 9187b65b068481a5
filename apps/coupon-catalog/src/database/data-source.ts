import { MESSAGING_ENTITIES } from '@coupons/messaging';
import { postgresOptions } from '@coupons/service-kit';
import { DataSourceOptions } from 'typeorm';
import { CATALOG_ENTITIES } from '../catalog/entities';
import { CATALOG_MIGRATIONS } from '../migrations';

/** The catalog's TypeORM options, shared by the running service and the standalone DataSource. */
export function catalogDataSourceOptions(env: { DATABASE_URL: string; DATABASE_SCHEMA?: string; INSTANCE_ID?: string }): DataSourceOptions {
  return postgresOptions({
    url: env.DATABASE_URL,
    schema: env.DATABASE_SCHEMA ?? 'coupon_catalog',
    entities: [...MESSAGING_ENTITIES, ...CATALOG_ENTITIES],
    migrations: CATALOG_MIGRATIONS,
    applicationName: `coupon-catalog${env.INSTANCE_ID ? `:${env.INSTANCE_ID}` : ''}`,
  });
}
