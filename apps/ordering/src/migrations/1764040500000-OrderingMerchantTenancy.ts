import { DEFAULT_MERCHANT_ID } from '@coupons/contracts';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenancy: ordering's copy of the catalog names each product's, store's and coupon's merchant, so an order at a store
 * is priced with that store's merchant's products and applies only its coupons. Rows folded before belong to the
 * default merchant (as the upcasters read their events). Skus are unique within a merchant.
 */
export class OrderingMerchantTenancy1764040500000 implements MigrationInterface {
  name = 'OrderingMerchantTenancy1764040500000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['store', 'product', 'coupon_terms']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN merchant_id text NOT NULL DEFAULT '${DEFAULT_MERCHANT_ID}'`);
      await q.query(`ALTER TABLE ${table} ALTER COLUMN merchant_id DROP DEFAULT`);
    }
    await q.query(`ALTER TABLE product DROP CONSTRAINT product_pkey`);
    await q.query(`ALTER TABLE product ADD CONSTRAINT product_pkey PRIMARY KEY (merchant_id, sku)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE product DROP CONSTRAINT product_pkey`);
    await q.query(`ALTER TABLE product ADD CONSTRAINT product_pkey PRIMARY KEY (sku)`);
    for (const table of ['store', 'product', 'coupon_terms']) await q.query(`ALTER TABLE ${table} DROP COLUMN merchant_id`);
  }
}
