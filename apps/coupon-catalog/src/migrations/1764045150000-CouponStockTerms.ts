import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The wallet's stock terms after a PATCH changed them (CouponStockChanged), beside the issued/redeemed counters they
 * come with: null until a change, and then the ones the merchant's view shows instead of the coupon's own.
 */
export class CouponStockTerms1764045150000 implements MigrationInterface {
  name = 'CouponStockTerms1764045150000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE coupon_usage ADD COLUMN total_quantity integer, ADD COLUMN per_user_limit integer`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE coupon_usage DROP COLUMN per_user_limit, DROP COLUMN total_quantity`);
  }
}
