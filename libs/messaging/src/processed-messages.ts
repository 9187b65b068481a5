import { EntityManager } from 'typeorm';
import { ProcessedMessageRow } from './entities';
import { tableName } from './table-name';

/**
 * Records (consumerName, id) in processed_message for each id, in one statement in the caller's transaction, and returns
 * the ids that were not recorded before (the others are duplicates). A concurrent twin waits on the rows, then sees the
 * conflict. The records roll back with the transaction.
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
