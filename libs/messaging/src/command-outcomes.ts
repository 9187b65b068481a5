import { Envelope } from '@coupons/contracts';
import { EntityManager } from 'typeorm';
import { ProcessedMessageRow } from './entities';
import { tableName } from './table-name';

/**
 * {@link recordCommandOutcome} for a run of outcome events in one statement: each event with a causationId is stored
 * as the outcome of that command under (consumerName, causationId). As when they are recorded one after another, the
 * first outcome recorded for a command wins: the earliest of the run, unless the command already has one.
 */
export async function recordCommandOutcomes(em: EntityManager, consumerName: string, outcomes: readonly Envelope[]): Promise<void> {
  const first = new Map<string, Envelope>();
  for (const e of outcomes) if (e.causationId && !first.has(e.causationId)) first.set(e.causationId, e);
  if (first.size === 0) return;
  // One JSON document for the whole run: PostgreSQL parses it once; each element is stored as it was sent.
  await em.query(
    `INSERT INTO ${tableName(em, ProcessedMessageRow)} AS processed_message (consumer, message_id, outcome)
     SELECT $1, o->>'causationId', o FROM jsonb_array_elements($2::jsonb) AS o
     ON CONFLICT (consumer, message_id) DO UPDATE SET outcome = COALESCE(processed_message.outcome, EXCLUDED.outcome)`,
    [consumerName, JSON.stringify([...first.values()])],
  );
}
