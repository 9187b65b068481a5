import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A coupon's stock terms can change (PATCH, ChangeCouponStock): claim_quota_fkey carries a change of the coupon's
 * coupon_quota row into its claim rows (ON UPDATE CASCADE), where claim_issue_seq_check then refuses a total below an
 * issued sequence and claim_user_seq_check a per-user limit below a user's sequence. Every claim of a coupon stays
 * bound by the same, current terms.
 */
export class StockChanges1764045150000 implements MigrationInterface {
  name = 'StockChanges1764045150000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claim DROP CONSTRAINT claim_quota_fkey, ADD CONSTRAINT claim_quota_fkey FOREIGN KEY (coupon_id, total_quantity, per_user_limit)
      REFERENCES coupon_quota (coupon_id, total_quantity, per_user_limit) ON UPDATE CASCADE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claim DROP CONSTRAINT claim_quota_fkey, ADD CONSTRAINT claim_quota_fkey FOREIGN KEY (coupon_id, total_quantity, per_user_limit)
      REFERENCES coupon_quota (coupon_id, total_quantity, per_user_limit)`);
  }
}
