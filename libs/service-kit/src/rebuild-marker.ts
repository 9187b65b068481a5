import { DataSource } from 'typeorm';
import { dataSourceSchema } from './database';

/**
 * `replay --from-scratch` drops a service's schema and rebuilds it from Kafka. While it does, the service must not
 * start (it would migrate and consume into a half-built projection). The marker is a schema of its own next to the
 * service's (`<schema>_rebuild`, commented with who started the rebuild and when): it survives the DROP SCHEMA of
 * the rebuild, needs no privilege beyond the CREATE a service role already has, and stays behind if the rebuild dies,
 * so that a half-built schema is never served.
 */
export function rebuildMarkerSchema(schema: string): string {
  return `${schema}_rebuild`.slice(0, 63);
}

type Queryable = { query(sql: string, params?: unknown[]): Promise<any> };

/** The marker's note ("rebuild started at ... by ...") when a rebuild of `schema` is in progress, else null. */
export async function readRebuildMarker(db: Queryable, schema: string): Promise<string | null> {
  const rows: Array<{ note: string | null }> = await db.query(
    `SELECT coalesce(obj_description(oid, 'pg_namespace'), 'rebuild in progress') AS note FROM pg_namespace WHERE nspname = $1`,
    [rebuildMarkerSchema(schema)],
  );
  return rows.length ? rows[0].note : null;
}

export class RebuildInProgressError extends Error {
  constructor(readonly schema: string, note: string) {
    super(
      `schema ${schema} is being rebuilt by \`npm run replay -- <service> --from-scratch\` (${note}); refusing to start. ` +
        `Wait for the rebuild to finish. If it died, run it again; it clears the marker (schema ${rebuildMarkerSchema(schema)}) when done.`,
    );
    this.name = 'RebuildInProgressError';
  }
}

/** Start-up check: throws {@link RebuildInProgressError} while `replay --from-scratch` rebuilds this DataSource's schema. */
export async function assertNoRebuildInProgress(dataSource: DataSource): Promise<void> {
  const schema = dataSourceSchema(dataSource);
  const note = await readRebuildMarker(dataSource, schema);
  if (note !== null) throw new RebuildInProgressError(schema, note);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Sets the marker (idempotent); `note` says who rebuilds and since when. */
export async function setRebuildMarker(db: Queryable, schema: string, note: string): Promise<void> {
  const marker = quoteIdent(rebuildMarkerSchema(schema));
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${marker}`);
  await db.query(`COMMENT ON SCHEMA ${marker} IS '${note.replace(/'/g, "''")}'`);
}

export async function clearRebuildMarker(db: Queryable, schema: string): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(rebuildMarkerSchema(schema))} CASCADE`);
}
