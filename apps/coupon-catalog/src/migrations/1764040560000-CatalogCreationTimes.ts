import { CatalogEventTypes } from '@coupons/contracts';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stores and products keep when they were created (the occurredAt of their first upsert event), so the merchant lists
 * sort them newest first the same way on every replay; the lists page by (created_at, id), hence the indexes.
 * Rows folded before this migration take that time from their first upsert's stored outcome in command_outcome, which
 * is exactly what a replay would fold; a row without one (none expected) gets the epoch rather than the clock.
 */
export class CatalogCreationTimes1764040560000 implements MigrationInterface {
  name = 'CatalogCreationTimes1764040560000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, id, type, field] of [
      ['store', 'store_id', CatalogEventTypes.storeUpserted, 'storeId'],
      ['product', 'sku', CatalogEventTypes.productUpserted, 'sku'],
    ] as const) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN created_at timestamptz NULL`);
      await q.query(
        `UPDATE ${table} t SET created_at = coalesce(
           (SELECT min((o.outcome->>'occurredAt')::timestamptz) FROM command_outcome o
             WHERE o.outcome->>'type' = $1 AND o.outcome->'payload'->>'${field}' = t.${id}),
           'epoch'::timestamptz)`,
        [type],
      );
      await q.query(`ALTER TABLE ${table} ALTER COLUMN created_at SET NOT NULL`);
      await q.query(`CREATE INDEX ${table}_created_idx ON ${table} (created_at, ${id})`);
    }
    await q.query(`CREATE INDEX coupon_created_idx ON coupon (created_at, coupon_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX coupon_created_idx`);
    await q.query(`DROP INDEX product_created_idx`);
    await q.query(`DROP INDEX store_created_idx`);
    await q.query(`ALTER TABLE product DROP COLUMN created_at`);
    await q.query(`ALTER TABLE store DROP COLUMN created_at`);
  }
}
