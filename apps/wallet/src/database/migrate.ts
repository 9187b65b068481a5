import 'reflect-metadata';
import { runMigrationCli } from '@coupons/service-kit';
import { DataSource } from 'typeorm';

/** `node dist/apps/wallet/src/database/migrate.js run|revert`. */
void runMigrationCli(async () => (await import('./wallet.datasource')).default as DataSource);
