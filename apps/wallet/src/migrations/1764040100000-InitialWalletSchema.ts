import { createMessagingTables, dropMessagingTables } from '@coupons/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** The wallet's tables, unqualified: the connection's search_path is the service schema. */
export class InitialWalletSchema1764040100000 implements MigrationInterface {
  name = 'InitialWalletSchema1764040100000';

  async up(q: QueryRunner): Promise<void> {
    await createMessagingTables(q);
    await q.query(`CREATE TABLE claim (
      claim_id text PRIMARY KEY,
      coupon_id text NOT NULL,
      user_id text NOT NULL,
      title text NOT NULL,
      discount jsonb NOT NULL,
      claimed_at timestamptz NOT NULL,
      valid_until timestamptz NULL,
      issued_count integer NOT NULL
    )`);
    await q.query(`CREATE INDEX claim_user_idx ON claim (user_id)`);
    await q.query(`CREATE INDEX claim_coupon_user_idx ON claim (coupon_id, user_id)`);
    await q.query(`CREATE TABLE claim_redemption (
      claim_id text PRIMARY KEY,
      order_id text NOT NULL,
      redeemed_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE coupon_stock (
      coupon_id text PRIMARY KEY,
      title text NOT NULL,
      discount jsonb NOT NULL,
      total_quantity integer NOT NULL,
      per_user_limit integer NOT NULL,
      claimable_from timestamptz NULL,
      claimable_until timestamptz NULL,
      valid_days_after_claim integer NULL,
      valid_until timestamptz NULL,
      status text NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE coupon_stock`);
    await q.query(`DROP TABLE claim_redemption`);
    await q.query(`DROP TABLE claim`);
    await dropMessagingTables(q);
  }
}
