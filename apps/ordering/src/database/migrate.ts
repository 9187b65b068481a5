import 'reflect-metadata';
import { runMigrationCli } from '@coupons/service-kit';
import { DataSource } from 'typeorm';

/** `node dist/apps/ordering/src/database/migrate.js run|revert`. */
void runMigrationCli(async () => (await import('./ordering.datasource')).default as DataSource);
