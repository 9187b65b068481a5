import type { DataSource } from 'typeorm';

/**
 * One source for hand-written SQL: records every statement a DataSource runs (its logger's logQuery), so a test can
 * check them against the entities with {@link insertColumnGaps}.
 */
export function recordStatements(ds: DataSource): string[] {
  const statements: string[] = [];
  const logger = ds.logger;
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (query, parameters, runner) => {
    statements.push(query);
    return logQuery(query, parameters, runner);
  };
  return statements;
}

export interface ColumnGap {
  table: string;
  missing: string[];
}

const INSERT = /INSERT\s+INTO\s+([^\s(]+)(?:\s+AS\s+\w+)?\s*\(([^)]*)\)/gi;
const bare = (name: string) => name.split('.').pop()!.replace(/"/g, '').trim();

/**
 * The INSERT statements among `statements` that leave out a column of their table's entity (by table name), with
 * the columns they leave out. Columns the database fills (generated, defaults, create dates) are not required, nor
 * those listed in `exempt` per table (e.g. the outbox's published_at, set by the relay). An entity that gains a
 * column a hand-written INSERT does not carry fails this check, whichever file the statement is in.
 */
export function insertColumnGaps(ds: DataSource, statements: readonly string[], exempt: Record<string, readonly string[]> = {}): { gaps: ColumnGap[]; tables: string[] } {
  const gaps = new Map<string, Set<string>>();
  const tables = new Set<string>();
  for (const sql of statements) {
    for (const m of sql.matchAll(INSERT)) {
      const table = bare(m[1]);
      const meta = ds.entityMetadatas.find((e) => e.tableName === table);
      if (!meta) continue;
      tables.add(table);
      const carried = new Set(m[2].split(',').map(bare));
      const required = meta.columns.filter((c) => !c.isGenerated && c.default === undefined && !c.isCreateDate && !(exempt[table] ?? []).includes(c.databaseName));
      for (const c of required) if (!carried.has(c.databaseName)) (gaps.get(table) ?? gaps.set(table, new Set()).get(table)!).add(c.databaseName);
    }
  }
  return { gaps: [...gaps].map(([table, missing]) => ({ table, missing: [...missing].sort() })), tables: [...tables].sort() };
}
