import 'reflect-metadata';
import { validateEnv, DatabaseEnv } from '@coupons/service-kit';
import { DataSource } from 'typeorm';
import { orderingDataSourceOptions } from './data-source';

/**
 * Standalone DataSource for migration tooling (`migration:run` / `migration:revert`, the TypeORM CLI):
 * DATABASE_URL and DATABASE_SCHEMA from the environment.
 */
const env = validateEnv(DatabaseEnv)(process.env);
export default new DataSource(orderingDataSourceOptions(env));
