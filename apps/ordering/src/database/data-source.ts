import { MESSAGING_ENTITIES } from '@coupons/messaging';
import { postgresOptions } from '@coupons/service-kit';
import { DataSourceOptions } from 'typeorm';
import { ORDERING_ENTITIES } from '../ordering/entities';
import { ORDERING_MIGRATIONS } from '../migrations';

/** Ordering's TypeORM options, shared by the running service and the standalone DataSource. */
export function orderingDataSourceOptions(env: { DATABASE_URL: string; DATABASE_SCHEMA?: string; INSTANCE_ID?: string }): DataSourceOptions {
  return postgresOptions({
    url: env.DATABASE_URL,
    schema: env.DATABASE_SCHEMA ?? 'ordering',
    entities: [...MESSAGING_ENTITIES, ...ORDERING_ENTITIES],
    migrations: ORDERING_MIGRATIONS,
    applicationName: `ordering${env.INSTANCE_ID ? `:${env.INSTANCE_ID}` : ''}`,
  });
}
