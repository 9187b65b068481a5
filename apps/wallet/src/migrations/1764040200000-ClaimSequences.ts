import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Database constraints behind the claim invariants (DESIGN invariants 1 and 2), so that even two wallet instances
 * deciding the same coupon during a rebalance can never over-issue:
 * - each claim holds its issue sequence (1..total_quantity) and its sequence among the user's claims of the coupon
 *   (1..per_user_limit): UNIQUE(coupon_id, issue_seq) and UNIQUE(coupon_id, user_id, user_seq) with CHECKs on the
 *   bounds mean at most total_quantity claims per coupon and per_user_limit per user;
 * - the bounds are copied into each row (a CHECK can't read another table) and tied by a foreign key to one
 *   coupon_quota row per coupon, so every claim of a coupon is checked against the same bounds. coupon_quota is
 *   folded from CouponClaimed itself (not from catalog events), so a replay in any topic order rebuilds it.
 */
export class ClaimSequences1764040200000 implements MigrationInterface {
  name = 'ClaimSequences1764040200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE coupon_quota (
      coupon_id text PRIMARY KEY,
      total_quantity integer NOT NULL,
      per_user_limit integer NOT NULL,
      CONSTRAINT coupon_quota_terms_key UNIQUE (coupon_id, total_quantity, per_user_limit)
    )`);
    await q.query(`ALTER TABLE claim RENAME COLUMN issued_count TO issue_seq`);
    await q.query(`ALTER TABLE claim ADD COLUMN user_seq integer, ADD COLUMN total_quantity integer, ADD COLUMN per_user_limit integer`);
    // Rows folded before this migration (none are expected: the wallet decided no claims then) get their sequences
    // in claim order and the bounds of their coupon; a row that can't be completed stops the migration (NOT NULL).
    await q.query(`UPDATE claim c SET user_seq = s.user_seq, total_quantity = cs.total_quantity, per_user_limit = cs.per_user_limit
      FROM (SELECT claim_id, row_number() OVER (PARTITION BY coupon_id, user_id ORDER BY issue_seq, claim_id)::int AS user_seq FROM claim) s,
           coupon_stock cs
      WHERE s.claim_id = c.claim_id AND cs.coupon_id = c.coupon_id`);
    await q.query(`INSERT INTO coupon_quota (coupon_id, total_quantity, per_user_limit)
      SELECT DISTINCT coupon_id, total_quantity, per_user_limit FROM claim WHERE total_quantity IS NOT NULL`);
    await q.query(`ALTER TABLE claim ALTER COLUMN user_seq SET NOT NULL, ALTER COLUMN total_quantity SET NOT NULL, ALTER COLUMN per_user_limit SET NOT NULL`);
    await q.query(`DROP INDEX claim_coupon_user_idx`);
    await q.query(`ALTER TABLE claim
      ADD CONSTRAINT claim_issue_seq_key UNIQUE (coupon_id, issue_seq),
      ADD CONSTRAINT claim_user_seq_key UNIQUE (coupon_id, user_id, user_seq),
      ADD CONSTRAINT claim_issue_seq_check CHECK (issue_seq BETWEEN 1 AND total_quantity),
      ADD CONSTRAINT claim_user_seq_check CHECK (user_seq BETWEEN 1 AND per_user_limit),
      ADD CONSTRAINT claim_quota_fkey FOREIGN KEY (coupon_id, total_quantity, per_user_limit)
        REFERENCES coupon_quota (coupon_id, total_quantity, per_user_limit)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claim DROP CONSTRAINT claim_quota_fkey, DROP CONSTRAINT claim_user_seq_check, DROP CONSTRAINT claim_issue_seq_check,
      DROP CONSTRAINT claim_user_seq_key, DROP CONSTRAINT claim_issue_seq_key`);
    await q.query(`CREATE INDEX claim_coupon_user_idx ON claim (coupon_id, user_id)`);
    await q.query(`ALTER TABLE claim DROP COLUMN per_user_limit, DROP COLUMN total_quantity, DROP COLUMN user_seq`);
    await q.query(`ALTER TABLE claim RENAME COLUMN issue_seq TO issued_count`);
    await q.query(`DROP TABLE coupon_quota`);
  }
}
