import { createMessagingTables, dropMessagingTables } from '@coupons/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog's tables. Unqualified names: the connection's search_path is the service schema (DATABASE_SCHEMA),
 * which runMigrationsWithLock creates before running migrations.
 */
export class InitialCatalogSchema1764040000000 implements MigrationInterface {
  name = 'InitialCatalogSchema1764040000000';

  async up(q: QueryRunner): Promise<void> {
    await createMessagingTables(q);
    await q.query(`CREATE TABLE store (
      store_id text PRIMARY KEY,
      name text NOT NULL
    )`);
    await q.query(`CREATE TABLE product (
      sku text PRIMARY KEY,
      gtin text NULL,
      name text NOT NULL,
      price bigint NOT NULL,
      currency text NOT NULL,
      category text NULL,
      brand text NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX product_gtin_key ON product (gtin)`);
    await q.query(`CREATE TABLE coupon (
      coupon_id text PRIMARY KEY,
      title text NOT NULL,
      discount jsonb NOT NULL,
      min_spend bigint NOT NULL,
      target jsonb NOT NULL,
      target_skus text[] NOT NULL,
      target_categories text[] NOT NULL,
      target_brands text[] NOT NULL,
      store_ids text[] NOT NULL,
      total_quantity integer NOT NULL,
      per_user_limit integer NOT NULL,
      claimable_from timestamptz NULL,
      claimable_until timestamptz NULL,
      valid_days_after_claim integer NULL,
      valid_until timestamptz NULL,
      priority integer NOT NULL,
      status text NOT NULL,
      created_at timestamptz NOT NULL
    )`);
    // The scan query starts from the ACTIVE coupons.
    await q.query(`CREATE INDEX coupon_status_idx ON coupon (status)`);
    await q.query(`CREATE TABLE coupon_usage (
      coupon_id text PRIMARY KEY,
      issued integer NOT NULL,
      redeemed integer NOT NULL
    )`);
    await q.query(`CREATE TABLE store_display (
      store_id text NOT NULL,
      position integer NOT NULL,
      sku text NOT NULL,
      headline text NOT NULL,
      PRIMARY KEY (store_id, position)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE store_display`);
    await q.query(`DROP TABLE coupon_usage`);
    await q.query(`DROP TABLE coupon`);
    await q.query(`DROP TABLE product`);
    await q.query(`DROP TABLE store`);
    await dropMessagingTables(q);
  }
}
