// How many SQL statements a load phase ran in the bench database: pg_stat_statements' calls when the server preloads
// it (the embedded server does, see system.ts), else pg_stat_database's transaction and tuple counters, which the
// report then names as its source (they are flushed by each backend about once a second, so they are approximate).
import { Client } from 'pg';

export interface StatementCount {
  calls: number;
  query: string;
  ms: number;
}

export interface SqlSnapshot {
  /** queryid -> its counts; absent without pg_stat_statements. */
  statements?: Map<string, StatementCount>;
  /** Entries pg_stat_statements evicted so far (counts of evicted statements are lost). */
  deallocations?: number;
  transactions: number;
  tuplesWritten: number;
}

export interface SqlDelta {
  source: 'pg_stat_statements' | 'pg_stat_database';
  statements?: number;
  /** BEGIN, COMMIT and ROLLBACK among `statements`. */
  transactionControl?: number;
  /** The statements run most often, calls and execution + planning ms over the phase. */
  top?: StatementCount[];
  evicted?: number;
  transactions: number;
  tuplesWritten: number;
}

const OWN = /pg_stat_statements|pg_stat_database|pg_stat_activity/;

export class SqlStatements {
  private constructor(private readonly client: Client, readonly hasStatements: boolean) {}

  /**
   * Connects to the bench database; uses pg_stat_statements when it is preloaded and its view exists, creating the
   * view only with `createExtension` (a server of our own: DATABASE_URL's database is left as it is).
   */
  static async open(databaseUrl: string, createExtension: boolean): Promise<SqlStatements> {
    const client = new Client({ connectionString: databaseUrl, application_name: 'bench' });
    await client.connect();
    let has = false;
    try {
      if (createExtension) await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await client.query('SELECT 1 FROM pg_stat_statements LIMIT 1'); // fails unless shared_preload_libraries has it
      has = true;
    } catch {
      has = false;
    }
    return new SqlStatements(client, has);
  }

  async snapshot(): Promise<SqlSnapshot> {
    const db = await this.client.query<{ xacts: string; written: string }>(
      `SELECT (xact_commit + xact_rollback)::text AS xacts, (tup_inserted + tup_updated + tup_deleted)::text AS written
         FROM pg_stat_database WHERE datname = current_database()`,
    );
    const snap: SqlSnapshot = { transactions: Number(db.rows[0]?.xacts ?? 0), tuplesWritten: Number(db.rows[0]?.written ?? 0) };
    if (!this.hasStatements) return snap;
    const rows = await this.client.query<{ id: string; query: string; calls: string; ms: number }>(
      `SELECT userid::text || '/' || queryid::text AS id, query, calls::text, (total_exec_time + total_plan_time)::float8 AS ms
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    snap.statements = new Map(rows.rows.filter((r) => !OWN.test(r.query)).map((r) => [r.id, { calls: Number(r.calls), query: r.query, ms: r.ms }]));
    const info = await this.client.query<{ dealloc: string }>('SELECT dealloc::text FROM pg_stat_statements_info').catch(() => undefined);
    snap.deallocations = Number(info?.rows[0]?.dealloc ?? 0);
    return snap;
  }

  close(): Promise<void> {
    return this.client.end().catch(() => undefined);
  }
}

export function sqlBetween(start: SqlSnapshot, end: SqlSnapshot): SqlDelta {
  const base = { transactions: end.transactions - start.transactions, tuplesWritten: end.tuplesWritten - start.tuplesWritten };
  if (!start.statements || !end.statements) return { source: 'pg_stat_database', ...base };
  const deltas: StatementCount[] = [];
  for (const [id, e] of end.statements) {
    const s = start.statements.get(id);
    const calls = e.calls - (s?.calls ?? 0);
    if (calls > 0) deltas.push({ calls, query: e.query, ms: e.ms - (s?.ms ?? 0) });
  }
  deltas.sort((a, b) => b.calls - a.calls);
  const isControl = (q: string) => /^\s*(BEGIN|START TRANSACTION|COMMIT|ROLLBACK)\b/i.test(q);
  return {
    source: 'pg_stat_statements',
    ...base,
    statements: deltas.reduce((n, d) => n + d.calls, 0),
    transactionControl: deltas.filter((d) => isControl(d.query)).reduce((n, d) => n + d.calls, 0),
    top: deltas.slice(0, 12),
    evicted: (end.deallocations ?? 0) - (start.deallocations ?? 0),
  };
}
