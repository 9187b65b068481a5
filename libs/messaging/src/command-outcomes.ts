import { Envelope } from '@coupons/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { ProcessedMessageRow } from './entities';
import { tableName } from './table-name';

// The outcome of each decided command, kept in processed_message next to the command id, answers the services'
// commandOutcome queries (an Idempotency-Key repeat gets the first response). The folds of a service's own events
// record it, so the decision path and a replay of the events topic write the same rows.

/**
 * Stores a run of outcome events in one statement: each event with a causationId is stored as the outcome of that
 * command under (consumerName, causationId). The first outcome recorded for a command wins: the earliest of the run,
 * unless the command already has one.
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

/** The stored outcomes of several commands (those decided so far), by command id. */
export async function findCommandOutcomes(em: EntityManager | DataSource, consumerName: string, commandIds: readonly string[]): Promise<Map<string, Envelope>> {
  if (commandIds.length === 0) return new Map();
  const rows: Array<{ message_id: string; outcome: Envelope }> = await em.query(
    `SELECT message_id, outcome FROM ${tableName(em, ProcessedMessageRow)} WHERE consumer = $1 AND message_id = ANY($2::text[]) AND outcome IS NOT NULL`,
    [consumerName, [...commandIds]],
  );
  return new Map(rows.map((r) => [r.message_id, r.outcome]));
}

/** The stored outcome event of a command, or null when the command has not been decided (yet). */
export async function findCommandOutcome(em: EntityManager | DataSource, consumerName: string, commandId: string): Promise<Envelope | null> {
  return (await findCommandOutcomes(em, consumerName, [commandId])).get(commandId) ?? null;
}
