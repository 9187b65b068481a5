import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daily caps (issue 15): a coupon's dailyQuantity, perUserDailyLimit and timeZone in coupon_stock (NULL zone: the
 * default, for coupons folded before), and each claim's day in that zone with its sequences on the day, among the
 * coupon's claims and among the user's. The unique keys are what the claim decision's MAX() probes read (one index
 * probe each, like issue_seq's) and what stops two deciders during a rebalance from both taking the last of a day.
 * Claims folded before have no day (NULL: never counted against a day; their coupons had no daily caps).
 */
export class ClaimDailyCaps1764040600000 implements MigrationInterface {
  name = 'ClaimDailyCaps1764040600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE coupon_stock ADD COLUMN daily_quantity integer, ADD COLUMN per_user_daily_limit integer, ADD COLUMN time_zone text`);
    await q.query(`ALTER TABLE claim ADD COLUMN claim_day text, ADD COLUMN day_issue_seq integer, ADD COLUMN day_user_seq integer`);
    await q.query(`ALTER TABLE claim
      ADD CONSTRAINT claim_day_issue_seq_key UNIQUE (coupon_id, claim_day, day_issue_seq),
      ADD CONSTRAINT claim_day_user_seq_key UNIQUE (coupon_id, user_id, claim_day, day_user_seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claim DROP CONSTRAINT claim_day_user_seq_key, DROP CONSTRAINT claim_day_issue_seq_key`);
    await q.query(`ALTER TABLE claim DROP COLUMN day_user_seq, DROP COLUMN day_issue_seq, DROP COLUMN claim_day`);
    await q.query(`ALTER TABLE coupon_stock DROP COLUMN time_zone, DROP COLUMN per_user_daily_limit, DROP COLUMN daily_quantity`);
  }
}
