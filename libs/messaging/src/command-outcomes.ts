import { Envelope } from '@coupons/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { CommandOutcomeRow } from './entities';
import { tableName } from './table-name';

// The one record of each decided command (command_outcome, keyed by command id) answers the services' commandOutcome
// queries (an Idempotency-Key repeat gets the first response). The folds of a service's own events write it, so the
// decision and a replay of the events topic write the same row.

/**
 * Stores a run of outcome events in one statement: each event with a causationId is stored as the outcome of that
 * command (the first of the run for a command). A plain insert: a command that has its outcome already is a
 * concurrent twin decided meanwhile (unique violation on command_outcome_pkey: the pipeline decides the run again and
 * finds it decided).
 */
export async function recordCommandOutcomes(em: EntityManager, outcomes: readonly Envelope[]): Promise<void> {
  const first = new Map<string, Envelope>();
  for (const e of outcomes) if (e.causationId && !first.has(e.causationId)) first.set(e.causationId, e);
  if (first.size === 0) return;
  // One JSON document for the whole run: PostgreSQL parses it once; each element is stored as it was sent.
  await em.query(
    `INSERT INTO ${tableName(em, CommandOutcomeRow)} (command_id, outcome) SELECT o->>'causationId', o FROM jsonb_array_elements($1::jsonb) AS o`,
    [JSON.stringify([...first.values()])],
  );
}

/** The constraint a concurrent decision of the same command trips. */
export const COMMAND_OUTCOME_KEY = 'command_outcome_pkey';

/** The stored outcomes of several commands (those decided so far), by command id. */
export async function findCommandOutcomes(em: EntityManager | DataSource, commandIds: readonly string[]): Promise<Map<string, Envelope>> {
  if (commandIds.length === 0) return new Map();
  const rows: Array<{ command_id: string; outcome: Envelope }> = await em.query(
    `SELECT command_id, outcome FROM ${tableName(em, CommandOutcomeRow)} WHERE command_id = ANY($1::text[])`,
    [[...commandIds]],
  );
  return new Map(rows.map((r) => [r.command_id, r.outcome]));
}

/** The stored outcome event of a command, or null when the command has not been decided (yet). */
export async function findCommandOutcome(em: EntityManager | DataSource, commandId: string): Promise<Envelope | null> {
  return (await findCommandOutcomes(em, [commandId])).get(commandId) ?? null;
}
