// TypeORM's DataSource.query answers rows of whatever shape the SQL selects: each caller names the shape it reads.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Queryable = { query(sql: string, params?: unknown[]): Promise<any> };

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Tables that are bookkeeping, not projection: never compared (and their rows hold wall-clock times). */
export const BOOKKEEPING_TABLES = ['migrations', 'outbox', 'processed_message', 'fold_position', 'parked_command', 'command_outcome'];

/** The projection tables of a schema: its base tables minus bookkeeping and `exclude`. */
export async function projectionTables(db: Queryable, schema: string, exclude: readonly string[] = []): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await db.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [schema],
  );
  const skip = new Set([...BOOKKEEPING_TABLES, ...exclude]);
  return rows.map((r) => r.table_name).filter((t) => !skip.has(t));
}

export interface TableSummary {
  table: string;
  rows: number;
  /** md5 over the rows' text, in the order of that text: equal contents give equal checksums in any schema. */
  checksum: string;
}

/**
 * A pseudo-table compared with the projections: the command outcomes (what answers an idempotent repeat). Compared by
 * (command id, outcome event id and type, request fingerprint), not by the stored JSON, whose shape may differ after
 * an upcast.
 */
export const COMMAND_OUTCOMES = 'command_outcome';

function rowsSql(schema: string, table: string): string {
  if (table === COMMAND_OUTCOMES) {
    return `SELECT concat_ws('|', command_id, outcome->>'eventId', outcome->>'type', outcome->>'requestHash') AS r FROM ${q(schema)}.command_outcome`;
  }
  return `SELECT t::text AS r FROM ${q(schema)}.${q(table)} t`;
}

export async function summarize(db: Queryable, schema: string, table: string): Promise<TableSummary> {
  const [row] = await db.query(`SELECT count(*)::int AS n, coalesce(md5(string_agg(r, E'\\n' ORDER BY r)), md5('')) AS sum FROM (${rowsSql(schema, table)}) x`);
  return { table, rows: row.n, checksum: row.sum };
}

/** Row counts of a schema's projection tables (the replay summary). */
export async function rowCounts(db: Queryable, schema: string, exclude: readonly string[] = []): Promise<Array<{ table: string; rows: number }>> {
  const out: Array<{ table: string; rows: number }> = [];
  for (const table of await projectionTables(db, schema, exclude)) {
    const [row] = await db.query(`SELECT count(*)::int AS n FROM ${q(schema)}.${q(table)}`);
    out.push({ table, rows: row.n });
  }
  return out;
}

export interface TableComparison {
  table: string;
  live: TableSummary;
  rebuilt: TableSummary;
  equal: boolean;
  /** When not equal: the first rows only in the live table, and only in the rebuilt one (as row text). */
  onlyLive: string[];
  onlyRebuilt: string[];
}

/** Compares every projection table (and the command outcomes) of two schemas holding the same migrations. */
export async function compareSchemas(db: Queryable, live: string, rebuilt: string, exclude: readonly string[] = [], sampleRows = 5): Promise<TableComparison[]> {
  const liveTables = await projectionTables(db, live, exclude);
  const rebuiltTables = await projectionTables(db, rebuilt, exclude);
  const tables = [...new Set([...liveTables, ...rebuiltTables])].sort();
  const out: TableComparison[] = [];
  for (const table of [...tables, COMMAND_OUTCOMES]) {
    const inLive = table === COMMAND_OUTCOMES || liveTables.includes(table);
    const inRebuilt = table === COMMAND_OUTCOMES || rebuiltTables.includes(table);
    if (!inLive || !inRebuilt) {
      const missing = { table, rows: -1, checksum: 'missing' };
      const present = await summarize(db, inLive ? live : rebuilt, table);
      out.push({ table, live: inLive ? present : missing, rebuilt: inRebuilt ? present : missing, equal: false, onlyLive: [], onlyRebuilt: [] });
      continue;
    }
    const [l, r] = [await summarize(db, live, table), await summarize(db, rebuilt, table)];
    const equal = l.rows === r.rows && l.checksum === r.checksum;
    let onlyLive: string[] = [];
    let onlyRebuilt: string[] = [];
    if (!equal) {
      const diff = async (a: string, b: string) =>
        ((await db.query(`SELECT r FROM ((${rowsSql(a, table)}) EXCEPT ALL (${rowsSql(b, table)})) d ORDER BY r LIMIT ${sampleRows}`)) as Array<{ r: string }>).map((x) => x.r);
      onlyLive = await diff(live, rebuilt);
      onlyRebuilt = await diff(rebuilt, live);
    }
    out.push({ table, live: l, rebuilt: r, equal, onlyLive, onlyRebuilt });
  }
  return out;
}
