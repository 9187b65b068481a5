import { Envelope } from '@coupons/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { ProcessedMessageRow } from './entities';
import { tableName } from './table-name';

export type HandleOnceResult<R> = { duplicate: false; result: R } | { duplicate: true };

/**
 * Runs `fn` and records (consumerName, envelope.eventId) in processed_message in ONE transaction. The record is
 * inserted first, so a concurrent duplicate waits on the row and then sees the conflict; a duplicate does nothing.
 * Effects are exactly-once as long as everything `fn` changes goes through `em`.
 */
export async function handleOnce<R>(
  dataSource: DataSource,
  consumerName: string,
  envelope: Pick<Envelope, 'eventId'>,
  fn: (em: EntityManager) => Promise<R>,
): Promise<HandleOnceResult<R>> {
  return dataSource.transaction(async (em) => {
    const inserted: unknown[] = await em.query(
      `INSERT INTO ${tableName(em, ProcessedMessageRow)} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [consumerName, envelope.eventId],
    );
    if (inserted.length === 0) return { duplicate: true } as const;
    return { duplicate: false, result: await fn(em) } as const;
  });
}

/**
 * handleOnce's bookkeeping for several messages in the caller's transaction: records (consumerName, id) for each id
 * in one statement and returns the ids that were not recorded before (the others are duplicates). The records roll
 * back with the transaction.
 */
export async function recordProcessedMessages(em: EntityManager, consumerName: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows: Array<{ message_id: string }> = await em.query(
    `INSERT INTO ${tableName(em, ProcessedMessageRow)} (consumer, message_id) SELECT $1, id FROM unnest($2::text[]) AS id
     ON CONFLICT DO NOTHING RETURNING message_id`,
    [consumerName, [...new Set(ids)]],
  );
  return new Set(rows.map((r) => r.message_id));
}
