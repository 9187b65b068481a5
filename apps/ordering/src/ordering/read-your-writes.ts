import { TopicPosition } from '@coupons/contracts';
import { tableName } from '@coupons/messaging';
import { DataSource, EntityManager } from 'typeorm';
import { CouponTermsEntity, FoldPositionEntity, RedemptionEntity, UserClaimEntity } from './entities';

/**
 * Records, in the fold's own transaction, that ordering has folded a partition up to `offset` (inclusive). Durable
 * and shared: whichever instance folds a partition, every instance's command handler sees how far it got.
 */
export async function recordFoldPosition(em: EntityManager, topic: string, partition: number, offset: string): Promise<void> {
  await em.query(
    `INSERT INTO ${tableName(em, FoldPositionEntity)} AS p (topic, partition, next_offset) VALUES ($1, $2, $3)
     ON CONFLICT (topic, partition) DO UPDATE SET next_offset = GREATEST(p.next_offset, EXCLUDED.next_offset)`,
    [topic, partition, (BigInt(offset) + 1n).toString()],
  );
}

/** The positions among `wanted` that ordering has not folded yet. */
export async function unfoldedPositions(ds: DataSource, wanted: readonly TopicPosition[]): Promise<TopicPosition[]> {
  if (wanted.length === 0) return [];
  const rows: Array<{ topic: string; partition: number; next_offset: string }> = await ds.query(
    `SELECT topic, partition, next_offset FROM ${tableName(ds, FoldPositionEntity)} WHERE topic = ANY($1)`,
    [[...new Set(wanted.map((w) => w.topic))]],
  );
  const next = new Map(rows.map((r) => [`${r.topic}/${r.partition}`, BigInt(r.next_offset)]));
  return wanted.filter((w) => (next.get(`${w.topic}/${w.partition}`) ?? 0n) <= BigInt(w.offset));
}

/** Whether one of the users holds an unspent claim whose coupon terms (catalog CouponCreated) are not folded yet. */
export async function hasClaimWithoutTerms(ds: DataSource, userId: string | readonly string[]): Promise<boolean> {
  const rows: unknown[] = await ds.query(
    `SELECT 1 FROM ${tableName(ds, UserClaimEntity)} c
      WHERE c.user_id = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM ${tableName(ds, CouponTermsEntity)} t WHERE t.coupon_id = c.coupon_id)
        AND NOT EXISTS (SELECT 1 FROM ${tableName(ds, RedemptionEntity)} r WHERE r.claim_id = c.claim_id)
      LIMIT 1`,
    [typeof userId === 'string' ? [userId] : [...userId]],
  );
  return rows.length > 0;
}

export type SeenResult = { caughtUp: true } | { caughtUp: false; missing: TopicPosition[]; termsMissing: boolean };

/**
 * Read-your-writes: waits (polling, outside any transaction) until ordering has folded every position in `wanted`
 * and the terms of the user's claims (of each user, for a run of orders), or until `timeoutMs` passes. Only the fold
 * consumers (a separate consumer group) advance the positions, so waiting here never blocks the folding it waits for.
 */
export async function waitUntilSeen(
  ds: DataSource,
  wanted: readonly TopicPosition[],
  userId: string | readonly string[],
  timeoutMs: number,
  pollMs = 20,
): Promise<SeenResult> {
  const deadline = Date.now() + timeoutMs;
  let missing = [...wanted];
  for (;;) {
    missing = await unfoldedPositions(ds, missing);
    // Terms are waited for only alongside claims the terminal just got acknowledged, so that a coupon whose catalog
    // event never comes can't slow every later order of the user.
    const termsMissing = missing.length === 0 && wanted.length > 0 && (await hasClaimWithoutTerms(ds, userId));
    if (missing.length === 0 && !termsMissing) return { caughtUp: true };
    if (Date.now() >= deadline) return { caughtUp: false, missing, termsMissing };
    await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
  }
}
