import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daily caps (issue 15): a coupon's dailyQuantity, perUserDailyLimit and timeZone. Nullable: coupons created before
 * have no caps, and a NULL zone reads as DEFAULT_COUPON_TIME_ZONE (new CouponCreated events always name one).
 */
export class CouponDailyCaps1764040600000 implements MigrationInterface {
  name = 'CouponDailyCaps1764040600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE coupon ADD COLUMN daily_quantity integer, ADD COLUMN per_user_daily_limit integer, ADD COLUMN time_zone text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE coupon DROP COLUMN time_zone, DROP COLUMN per_user_daily_limit, DROP COLUMN daily_quantity`);
  }
}
