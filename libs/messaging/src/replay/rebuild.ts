import { DataSource } from 'typeorm';
import { FoldFailedError, ReplayRangeOptions, ReplayStats, replayRange } from './engine';

/**
 * Rebuilding a schema that was just migrated (replay --from-scratch, or into a new schema): the rows of insert-only
 * tables are loaded first and some of their indexes and constraints built afterwards, in one pass over the table each
 * (a sort), instead of row by row. Every other index and constraint (primary keys: the ON CONFLICT targets, and the
 * duplicates check of processed_message) stays in place.
 *
 * Only the result with every constraint in place counts: the load stops at the first fold that fails (failFast), and if
 * that happens, or a deferred constraint cannot be built on the loaded rows (an event the constraint would have refused),
 * the schema is migrated again and the topics replayed with every constraint in place, where each such event is found
 * and skipped alone. That is the same result because the deferred constraints are on tables whose rows are only ever
 * inserted: a row that would have been refused is still there at the end.
 */

/** An index or table constraint left out during a bulk load, with the statement that builds it again. */
interface DeferredObject {
  name: string;
  drop: string;
  create: string;
  /** Foreign keys are dropped first and built last (they need the referenced unique index). */
  foreignKey: boolean;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The indexes and constraints named `names` in `schema`, with their definitions as PostgreSQL prints them. Throws when
 * one is missing (a name that no migration creates, or that a migration renamed).
 */
async function findDeferred(ds: DataSource, schema: string, names: readonly string[]): Promise<DeferredObject[]> {
  const constraints: Array<{ name: string; tbl: string; def: string; fk: boolean }> = await ds.query(
    `SELECT c.conname AS name, t.relname AS tbl, pg_get_constraintdef(c.oid) AS def, c.contype = 'f' AS fk
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = $1 AND c.conname = ANY($2::text[]) AND c.contype IN ('f', 'u', 'c')`,
    [schema, [...names]],
  );
  const indexes: Array<{ name: string; def: string }> = await ds.query(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
      WHERE i.schemaname = $1 AND i.indexname = ANY($2::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 AND c.conname = i.indexname)`,
    [schema, [...names]],
  );
  const out: DeferredObject[] = [
    ...constraints.map((c) => ({
      name: c.name,
      drop: `ALTER TABLE ${q(schema)}.${q(c.tbl)} DROP CONSTRAINT ${q(c.name)}`,
      // The definition names referenced tables as seen from the connection's search_path (the service schema).
      create: `ALTER TABLE ${q(schema)}.${q(c.tbl)} ADD CONSTRAINT ${q(c.name)} ${c.def}`,
      foreignKey: c.fk,
    })),
    ...indexes.map((i) => ({ name: i.name, drop: `DROP INDEX ${q(schema)}.${q(i.name)}`, create: i.def, foreignKey: false })),
  ];
  const missing = names.filter((n) => !out.some((o) => o.name === n));
  if (missing.length) throw new Error(`deferred indexes or constraints not found in schema ${schema}: ${missing.join(', ')}`);
  return out;
}

export interface RebuildSchemaOptions extends Omit<ReplayRangeOptions, 'failFast'> {
  /** The schema the data source writes, just migrated: no projection row in it yet. */
  schema: string;
  /**
   * Indexes and constraints (by name) built after the bulk load instead of row by row: only on tables whose rows the
   * folds insert and never update or delete (e.g. the wallet's claims).
   */
  deferred: readonly string[];
  /** Drops the schema and migrates it again (the fallback starts from an empty schema). */
  remigrate: () => Promise<void>;
}

/**
 * Replays into a freshly migrated schema (see the note above): a bulk load with `deferred` left out, then those built;
 * if an event fails to fold or a deferred constraint does not hold, the plain replay with every constraint in place.
 */
export async function rebuildSchema(o: RebuildSchemaOptions): Promise<ReplayStats> {
  if (o.deferred.length === 0) return replayRange(o);
  const deferred = await findDeferred(o.dataSource, o.schema, o.deferred);
  await o.dataSource.transaction(async (em) => {
    for (const d of [...deferred].sort((a, b) => Number(b.foreignKey) - Number(a.foreignKey))) await em.query(d.drop);
  });
  let why: string;
  try {
    const stats = await replayRange({ ...o, failFast: true });
    try {
      await o.dataSource.transaction(async (em) => {
        for (const d of [...deferred].sort((a, b) => Number(a.foreignKey) - Number(b.foreignKey))) await em.query(d.create);
      });
      return stats;
    } catch (err) {
      why = `building ${deferred.map((d) => d.name).join(', ')} after the load failed (${(err as Error).message})`;
    }
  } catch (err) {
    if (!(err instanceof FoldFailedError)) throw err;
    why = err.message;
  }
  o.log?.(`${why}: migrating ${o.schema} again and replaying with every constraint in place, to find and skip the events at fault`);
  await o.remigrate();
  return replayRange(o);
}
