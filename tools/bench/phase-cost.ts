// What one claim (or order) costs: CPU ms per process and SQL statements, measured over a load phase and divided by
// the phase's successful answers. Every answer's work is counted (409s too); the divisor is the 201s.
import { Client } from 'pg';
import { Figure } from './report';
import { CpuSnapshot, ProcessGroup, cpuBetween, pidCpuBetween, snapshotCpu } from './process-cpu';
import { SqlDelta, SqlSnapshot, SqlStatements, sqlBetween } from './sql-statements';
import type { BenchSystem } from './system';

/** Issue 13's budget: CPU per claim over every process. */
export const CPU_BUDGET_MS = 1.0;

const POSTGRES = 'postgresql';
const LOAD = 'load generator';

export interface PhaseCost {
  seconds: number;
  /** group label -> CPU ms over the phase. */
  cpuMs: Record<string, number>;
  /** PostgreSQL's CPU ms by backend (application_name, or the backend type), when the server is ours. */
  postgresMs?: Record<string, number>;
  sql?: SqlDelta;
}

export class PhaseMeter {
  private constructor(private readonly system: BenchSystem, private readonly sql: SqlStatements | undefined) {}

  static async open(system: BenchSystem): Promise<PhaseMeter> {
    const sql = await SqlStatements.open(system.databaseUrl, system.postgresPid !== undefined).catch(() => undefined);
    return new PhaseMeter(system, sql);
  }

  get statementSource(): string {
    return this.sql?.hasStatements ? 'pg_stat_statements' : 'pg_stat_database';
  }

  private groups(): ProcessGroup[] {
    return [
      ...this.system.services.map((s) => ({ label: s.label, pid: s.pid })),
      { label: 'dev-broker', pid: this.system.brokerPid },
      { label: POSTGRES, pid: this.system.postgresPid },
      { label: LOAD, pid: process.pid, alone: true },
    ];
  }

  /** Runs `phase` between two readings of every process's CPU and the database's statement counters. */
  async measure<T>(phase: () => Promise<T>): Promise<{ result: T; cost: PhaseCost }> {
    const sqlStart: SqlSnapshot | undefined = await this.sql?.snapshot().catch(() => undefined);
    const cpuStart: CpuSnapshot = snapshotCpu(this.groups());
    const started = performance.now();
    const result = await phase();
    const cpuEnd = snapshotCpu(this.groups());
    const seconds = (performance.now() - started) / 1000;
    const sqlEnd = await this.sql?.snapshot().catch(() => undefined);
    const cost: PhaseCost = { seconds, cpuMs: Object.fromEntries(cpuBetween(cpuStart, cpuEnd)) };
    if (cost.cpuMs[POSTGRES] !== undefined) cost.postgresMs = await this.postgresByBackend(cpuStart, cpuEnd, cost.cpuMs[POSTGRES]);
    if (sqlStart && sqlEnd) cost.sql = sqlBetween(sqlStart, sqlEnd);
    return { result, cost };
  }

  /** Splits PostgreSQL's CPU by pg_stat_activity's application_name (backend type for the server's own processes). */
  private async postgresByBackend(start: CpuSnapshot, end: CpuSnapshot, total: number): Promise<Record<string, number>> {
    const byPid = pidCpuBetween(start, end, POSTGRES);
    const names = new Map<number, string>();
    const c = new Client({ connectionString: this.system.databaseUrl, application_name: 'bench' });
    try {
      await c.connect();
      const rows = await c.query<{ pid: number; name: string }>(
        `SELECT pid, CASE WHEN backend_type = 'client backend' AND application_name <> '' THEN application_name ELSE backend_type END AS name
           FROM pg_stat_activity`,
      );
      // Instance suffixes (wallet:bench-wallet) say nothing here: one instance each.
      for (const r of rows.rows) names.set(r.pid, r.name.replace(/:bench-[\w-]+$/, ''));
    } catch {
      // without names every backend is "other"
    } finally {
      await c.end().catch(() => undefined);
    }
    const out: Record<string, number> = {};
    let live = 0;
    for (const [pid, ms] of byPid) {
      live += ms;
      const name = names.get(pid) ?? 'postmaster and others';
      out[name] = (out[name] ?? 0) + ms;
    }
    if (total - live > 0) out['exited backends'] = total - live;
    return out;
  }

  close(): Promise<void> {
    return this.sql?.close() ?? Promise.resolve();
  }
}

const per = (ms: number, n: number) => Number((ms / n).toFixed(3));

/** Report lines: CPU ms per `unit` for each process and in all (against the budget), and SQL statements per `unit`. */
export function costFigures(unit: 'claim' | 'order', cost: PhaseCost, count: number): Figure[] {
  const id = `cost-${unit}`;
  if (count <= 0) return [{ id, label: `CPU per ${unit}`, na: `no ${unit} succeeded in the phase` }];
  const figures: Figure[] = [];
  const entries = Object.entries(cost.cpuMs);
  const total = entries.reduce((n, [, ms]) => n + ms, 0);
  figures.push({
    id: `${id}-cpu-total`,
    label: `CPU per ${unit}, all processes`,
    value: per(total, count),
    unit: 'ms',
    detail: `${Math.round(total)} ms of CPU over ${cost.seconds.toFixed(1)} s and ${count} ${unit}s (/proc utime+stime; every answer's work counted, divided by the 201s)${cost.cpuMs[POSTGRES] === undefined ? '; PostgreSQL not included (not started by this run)' : ''}`,
    target: unit === 'claim' ? `<= ${CPU_BUDGET_MS} ms` : undefined,
    met: unit === 'claim' ? per(total, count) <= CPU_BUDGET_MS : undefined,
    raw: cost,
  });
  for (const [label, ms] of entries.sort((a, b) => b[1] - a[1])) {
    const byBackend = label === POSTGRES && cost.postgresMs
      ? Object.entries(cost.postgresMs).filter(([, m]) => per(m, count) > 0).sort((a, b) => b[1] - a[1]).map(([name, m]) => `${name} ${per(m, count)}`).join(', ')
      : undefined;
    figures.push({ id: `${id}-cpu-${label.replace(/\W+/g, '-')}`, label: `CPU per ${unit}: ${label}`, value: per(ms, count), unit: 'ms', detail: byBackend && `by backend: ${byBackend}` });
  }
  const sql = cost.sql;
  if (!sql) {
    figures.push({ id: `${id}-sql`, label: `SQL statements per ${unit}`, na: 'the bench database could not be read' });
  } else if (sql.source === 'pg_stat_statements' && sql.statements !== undefined) {
    const top = (sql.top ?? []).slice(0, 6).map((t) => `${per(t.calls, count)} x ${t.query.replace(/\s+/g, ' ').slice(0, 60)}`).join('; ');
    figures.push({
      id: `${id}-sql`,
      label: `SQL statements per ${unit}`,
      value: per(sql.statements, count),
      unit: '',
      detail: `pg_stat_statements (all backends of the bench database): ${per(sql.transactionControl ?? 0, count)} of them BEGIN/COMMIT/ROLLBACK, ${per(sql.transactions, count)} transactions, ${per(sql.tuplesWritten, count)} tuples written${sql.evicted ? `; ${sql.evicted} entries evicted, so a lower bound` : ''}; most run: ${top}`,
      raw: sql,
    });
  } else {
    figures.push({
      id: `${id}-sql`,
      label: `SQL transactions per ${unit}`,
      value: per(sql.transactions, count),
      unit: '',
      detail: `pg_stat_statements not loaded: pg_stat_database counters (flushed about once a second per backend, approximate); ${per(sql.tuplesWritten, count)} tuples written per ${unit}`,
      raw: sql,
    });
  }
  return figures;
}
