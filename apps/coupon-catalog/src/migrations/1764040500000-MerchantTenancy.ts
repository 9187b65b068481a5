import { DEFAULT_MERCHANT_ID } from '@coupons/contracts';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenancy: stores, products and coupons belong to a merchant. Rows folded before it belong to the default merchant,
 * as the upcasters read the events they came from, so an existing database and a replay of its topics agree. Skus and
 * GTINs become unique within a merchant; store ids stay unique on the platform.
 */
export class MerchantTenancy1764040500000 implements MigrationInterface {
  name = 'MerchantTenancy1764040500000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['store', 'product', 'coupon']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN merchant_id text NOT NULL DEFAULT '${DEFAULT_MERCHANT_ID}'`);
      await q.query(`ALTER TABLE ${table} ALTER COLUMN merchant_id DROP DEFAULT`);
    }
    await q.query(`ALTER TABLE product DROP CONSTRAINT product_pkey`);
    await q.query(`ALTER TABLE product ADD CONSTRAINT product_pkey PRIMARY KEY (merchant_id, sku)`);
    await q.query(`DROP INDEX product_gtin_key`);
    await q.query(`CREATE UNIQUE INDEX product_gtin_key ON product (merchant_id, gtin)`);
    await q.query(`CREATE INDEX coupon_merchant_idx ON coupon (merchant_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX coupon_merchant_idx`);
    await q.query(`DROP INDEX product_gtin_key`);
    await q.query(`CREATE UNIQUE INDEX product_gtin_key ON product (gtin)`);
    await q.query(`ALTER TABLE product DROP CONSTRAINT product_pkey`);
    await q.query(`ALTER TABLE product ADD CONSTRAINT product_pkey PRIMARY KEY (sku)`);
    for (const table of ['store', 'product', 'coupon']) await q.query(`ALTER TABLE ${table} DROP COLUMN merchant_id`);
  }
}
