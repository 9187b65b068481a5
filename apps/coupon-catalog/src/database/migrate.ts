import 'reflect-metadata';
import { runMigrationCli } from '@coupons/service-kit';
import { DataSource } from 'typeorm';

/** `node dist/apps/coupon-catalog/src/database/migrate.js run|revert`. */
void runMigrationCli(async () => (await import('./catalog.datasource')).default as DataSource);
