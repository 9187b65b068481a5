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

export async function dropMessagingTables(q: QueryRunner): Promise<void> {
  await q.query(`DROP TRIGGER IF EXISTS outbox_notify ON outbox`);
  await q.query(`DROP FUNCTION IF EXISTS outbox_notify()`);
  await q.query(`DROP TABLE IF EXISTS processed_message`);
  await q.query(`DROP TABLE IF EXISTS outbox`);
}
