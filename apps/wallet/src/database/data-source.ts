import { MESSAGING_ENTITIES } from '@coupons/messaging';
import { postgresOptions } from '@coupons/service-kit';
import { DataSourceOptions } from 'typeorm';
import { WALLET_ENTITIES } from '../wallet/entities';
import { WALLET_MIGRATIONS } from '../migrations';

/** The wallet's TypeORM options, shared by the running service and the standalone DataSource. */
export function walletDataSourceOptions(env: { DATABASE_URL: string; DATABASE_SCHEMA?: string; INSTANCE_ID?: string }): DataSourceOptions {
  return postgresOptions({
    url: env.DATABASE_URL,
    schema: env.DATABASE_SCHEMA ?? 'wallet',
    entities: [...MESSAGING_ENTITIES, ...WALLET_ENTITIES],
    migrations: WALLET_MIGRATIONS,
    applicationName: `wallet${env.INSTANCE_ID ? `:${env.INSTANCE_ID}` : ''}`,
  });
}
