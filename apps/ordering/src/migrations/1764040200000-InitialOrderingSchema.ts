import { createMessagingTables, dropMessagingTables } from '@coupons/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** Ordering's tables, unqualified: the connection's search_path is the service schema. */
export class InitialOrderingSchema1764040200000 implements MigrationInterface {
  name = 'InitialOrderingSchema1764040200000';

  async up(q: QueryRunner): Promise<void> {
    await createMessagingTables(q);
    await q.query(`CREATE TABLE product (
      sku text PRIMARY KEY,
      name text NOT NULL,
      price bigint NOT NULL,
      currency text NOT NULL,
      category text NULL,
      brand text NULL
    )`);
    await q.query(`CREATE TABLE store (
      store_id text PRIMARY KEY,
      name text NOT NULL
    )`);
    await q.query(`CREATE TABLE coupon_terms (
      coupon_id text PRIMARY KEY,
      title text NOT NULL,
      discount jsonb NOT NULL,
      min_spend bigint NOT NULL,
      target jsonb NOT NULL,
      store_ids text[] NOT NULL
    )`);
    await q.query(`CREATE TABLE user_claim (
      claim_id text PRIMARY KEY,
      user_id text NOT NULL,
      coupon_id text NOT NULL,
      title text NOT NULL,
      discount jsonb NOT NULL,
      claimed_at timestamptz NOT NULL,
      valid_until timestamptz NULL
    )`);
    await q.query(`CREATE INDEX user_claim_user_idx ON user_claim (user_id)`);
    await q.query(`CREATE TABLE redemption (
      claim_id text PRIMARY KEY,
      order_id text NOT NULL,
      user_id text NOT NULL,
      redeemed_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE customer_order (
      order_id text PRIMARY KEY,
      user_id text NOT NULL,
      store_id text NOT NULL,
      status text NOT NULL,
      subtotal bigint NOT NULL,
      discount bigint NOT NULL,
      total bigint NOT NULL,
      currency text NOT NULL,
      applied_claim_id text NULL,
      applied_coupon_id text NULL,
      applied_title text NULL,
      processed_at timestamptz NOT NULL,
      cancelled_at timestamptz NULL
    )`);
    await q.query(`CREATE INDEX customer_order_user_idx ON customer_order (user_id)`);
    await q.query(`CREATE TABLE order_line (
      order_id text NOT NULL,
      line_no integer NOT NULL,
      sku text NOT NULL,
      quantity integer NOT NULL,
      unit_price bigint NOT NULL,
      line_total bigint NOT NULL,
      PRIMARY KEY (order_id, line_no)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['order_line', 'customer_order', 'redemption', 'user_claim', 'coupon_terms', 'store', 'product']) await q.query(`DROP TABLE ${t}`);
    await dropMessagingTables(q);
  }
}
