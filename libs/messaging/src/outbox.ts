import { Envelope } from '@coupons/contracts';
import { EntityManager } from 'typeorm';
import { OutboxRow } from './entities';
import { envelopeHeaders } from './kafka';
import { tableName } from './table-name';

/**
 * Appends an event to the outbox inside the caller's transaction (`em` must be the transaction's manager): it is
 * published only if, and after, that transaction commits. Key = envelope.aggregateId.
 */
export function appendToOutbox(em: EntityManager, topic: string, envelope: Envelope): Promise<void> {
  return appendAllToOutbox(em, [{ topic, envelope }]);
}

/**
 * Appends several events in one statement, in the given order (row ids ascend with it, so the relay publishes them
 * in that order). Only inside the caller's active transaction.
 */
export async function appendAllToOutbox(em: EntityManager, events: ReadonlyArray<{ topic: string; envelope: Envelope }>): Promise<void> {
  if (events.length === 0) return;
  if (!em.queryRunner?.isTransactionActive) throw new Error('the outbox is appended to only inside an active transaction (pass its EntityManager)');
  const params: string[] = [];
  const rows = events.map(({ topic, envelope }) => {
    const n = params.push(topic, envelope.aggregateId, JSON.stringify(envelope), JSON.stringify(envelopeHeaders(envelope)));
    return `($${n - 3}, $${n - 2}, $${n - 1}::jsonb, $${n}::jsonb)`;
  });
  await em.query(`INSERT INTO ${tableName(em, OutboxRow)} (topic, key, envelope, headers) VALUES ${rows.join(', ')}`, params);
}
