import { QueryRunner } from 'typeorm';

/** NOTIFY channel the outbox trigger signals for a schema; the relay LISTENs on it. */
export function outboxChannel(schema: string): string {
  return `outbox_${schema}`;
}

/**
 * Creates `outbox` and `processed_message` (and the trigger that wakes the relay) in the current schema. Call it from
 * each service's first migration; the connection's search_path is the service schema (see postgresOptions).
 */
export async function createMessagingTables(q: QueryRunner): Promise<void> {
  await q.query(`CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    topic text NOT NULL,
    key text NOT NULL,
    envelope jsonb NOT NULL,
    headers jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz NULL
  )`);
  await q.query(`CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL`);
  await q.query(`CREATE TABLE processed_message (
    consumer text NOT NULL,
    message_id text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    outcome jsonb NULL,
    CONSTRAINT processed_message_pkey PRIMARY KEY (consumer, message_id)
  )`);
  // Statement-level: one notification per inserting statement; NOTIFY also folds duplicates within a transaction and
  // is delivered only on commit, which is exactly when the rows become visible to the relay.
  await q.query(`CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_notify('outbox_' || TG_TABLE_SCHEMA, ''); RETURN NULL; END $$`);
  await q.query(`CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
}

/**
 * The decision pipeline's tables (command_outcome, fold_position, parked_command), for a service migration after its
 * first. The command outcomes kept so far in processed_message under `commandsConsumer` move to command_outcome, so
 * Idempotency-Key repeats of commands decided before the upgrade are still answered. `offsetsProjection`: the
 * processed_message consumer name of a projection that now dedupes by fold positions (its rows are dropped).
 */
export async function createPipelineTables(q: QueryRunner, commandsConsumer: string, offsetsProjection?: string): Promise<void> {
  await q.query(`CREATE TABLE command_outcome (
    command_id text NOT NULL,
    outcome jsonb NOT NULL,
    CONSTRAINT command_outcome_pkey PRIMARY KEY (command_id)
  )`);
  await q.query(
    `INSERT INTO command_outcome (command_id, outcome) SELECT message_id, outcome FROM processed_message WHERE consumer = $1 AND outcome IS NOT NULL`,
    [commandsConsumer],
  );
  await q.query(`DELETE FROM processed_message WHERE consumer = ANY($1::text[])`, [[commandsConsumer, ...(offsetsProjection ? [offsetsProjection] : [])]]);
  // Outcomes live in command_outcome now.
  await q.query(`ALTER TABLE processed_message DROP COLUMN outcome`);
  // Ordering has kept it since its read-your-writes migration.
  await q.query(`CREATE TABLE IF NOT EXISTS fold_position (
    topic text NOT NULL,
    partition integer NOT NULL,
    next_offset bigint NOT NULL,
    CONSTRAINT fold_position_pkey PRIMARY KEY (topic, partition)
  )`);
  await q.query(`CREATE TABLE parked_command (
    seq bigserial PRIMARY KEY,
    command_id text NOT NULL,
    park_key text NOT NULL,
    command jsonb NOT NULL,
    parked_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT parked_command_command_id_key UNIQUE (command_id)
  )`);
  await q.query(`CREATE INDEX parked_command_key_idx ON parked_command (park_key, seq)`);
}

/** `ownsFoldPosition`: false where an earlier migration of the service created fold_position (ordering). */
export async function dropPipelineTables(q: QueryRunner, ownsFoldPosition = true): Promise<void> {
  await q.query(`ALTER TABLE processed_message ADD COLUMN IF NOT EXISTS outcome jsonb NULL`);
  await q.query(`DROP TABLE IF EXISTS parked_command`);
  await q.query(`DROP TABLE IF EXISTS command_outcome`);
  if (ownsFoldPosition) await q.query(`DROP TABLE IF EXISTS fold_position`);
}

export async function dropMessagingTables(q: QueryRunner): Promise<void> {
  await q.query(`DROP TRIGGER IF EXISTS outbox_notify ON outbox`);
  await q.query(`DROP FUNCTION IF EXISTS outbox_notify()`);
  await q.query(`DROP TABLE IF EXISTS processed_message`);
  await q.query(`DROP TABLE IF EXISTS outbox`);
}
