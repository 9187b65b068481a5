import {
  DatabaseEnv, KafkaEnv, LoggingEnv, clearRebuildMarker, readRebuildMarker, runMigrationsWithLock, setRebuildMarker, validateEnv,
} from '@coupons/service-kit';
import { Kafka } from 'kafkajs';
import { hostname } from 'node:os';
import { DataSource, DataSourceOptions } from 'typeorm';
import { createKafka } from '../kafka';
import { Projector } from '../projector';
import { TableComparison, compareSchemas, rowCounts } from './compare';
import { PartitionMark, ReplayRangeOptions, ReplayStats, emptyStats, fetchMarks, replayRange, tpKey } from './engine';
import { progressReporter } from './progress';
import { rebuildSchema } from './rebuild';

/** What the replay tool needs to know of a service (each service's src/replay/replay.ts builds one). */
export interface ReplayTarget {
  /** The service name (`wallet`): its processes' PostgreSQL application_name starts with it. */
  service: string;
  /** The service's projection: its folds and the topics they are a fold of. */
  projector: Projector;
  /** The service's own TypeORM options (entities, migrations) for a given schema. */
  dataSourceOptions(env: { DATABASE_URL: string; DATABASE_SCHEMA: string }): DataSourceOptions;
  /** The schema the service uses unless DATABASE_SCHEMA says otherwise. */
  defaultSchema: string;
  /**
   * The live consumer groups that fold the projector's topics (not its own events topic, which the service folds
   * when it decides): --verify waits until their committed offsets reach the positions it replayed.
   */
  liveConsumers: Array<{ groupId: string; topics: string[] }>;
  /** Bookkeeping tables of the service left out of comparisons and summaries (e.g. `fold_position`). */
  excludeTables?: string[];
  /**
   * Indexes and constraints that a rebuild into an empty schema (--from-scratch, or no flag) builds after loading the
   * rows rather than row by row (see rebuildSchema): only on tables whose rows the folds insert and never change.
   */
  rebuildDeferred?: string[];
}

export type ReplayMode = 'copy' | 'verify' | 'from-scratch';

export interface ReplayCommand {
  mode: ReplayMode;
  /** --verify: how long to wait for the live service to reach the replayed positions, in all rounds (seconds). */
  timeoutSeconds: number;
  batchSize: number;
}

export const REPLAY_USAGE = `usage: npm run replay -- <coupon-catalog|wallet|ordering> [--verify | --from-scratch] [--timeout <s>] [--batch-size <n>]
  (no flag)       rebuild the projections into a new schema <schema>_replay_<time>, left for inspection
  --verify        rebuild into a scratch schema while the service runs, compare table by table with the live schema;
                  exit 0 only when equal (the scratch schema is dropped)
  --from-scratch  the service must be stopped: drop its schema, migrate it again and rebuild it from the topics; the
                  service refuses to start until this is done
environment: KAFKA_BROKERS, DATABASE_URL, DATABASE_SCHEMA (as the service takes them)`;

export function parseReplayArgs(argv: readonly string[]): ReplayCommand {
  const cmd: ReplayCommand = { mode: 'copy', timeoutSeconds: 120, batchSize: 2000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--verify' || a === '--from-scratch') {
      if (cmd.mode !== 'copy') throw new Error('--verify and --from-scratch exclude each other');
      cmd.mode = a === '--verify' ? 'verify' : 'from-scratch';
    } else if (a === '--timeout' || a === '--batch-size') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a} takes a positive integer`);
      if (a === '--timeout') cmd.timeoutSeconds = n;
      else cmd.batchSize = n;
    } else {
      throw new Error(`unknown argument ${a}`);
    }
  }
  return cmd;
}

type Out = { out: (line: string) => void; err: (line: string) => void; progress: NodeJS.WriteStream };
const stdio: Out = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`), progress: process.stderr };

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const stamp = () => new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class ReplayRun {
  readonly kafka: Kafka;
  readonly liveSchema: string;

  constructor(readonly target: ReplayTarget, readonly env: { KAFKA_BROKERS: string[]; DATABASE_URL: string; DATABASE_SCHEMA?: string }, readonly io: Out) {
    this.kafka = createKafka(env.KAFKA_BROKERS, `replay-${target.service}-${process.pid}`);
    this.liveSchema = env.DATABASE_SCHEMA ?? target.defaultSchema;
  }

  dataSource(schema: string): DataSource {
    const options = this.target.dataSourceOptions({ DATABASE_URL: this.env.DATABASE_URL, DATABASE_SCHEMA: schema });
    // Named apart from the service's own connections (`<service>:<instance>`), which --from-scratch looks for.
    return new DataSource({ ...options, applicationName: `replay:${this.target.service}`, poolSize: 4 } as DataSourceOptions);
  }

  /** Replays into `ds` from `from` up to `marks`, with progress; returns the stats. */
  async replay(ds: DataSource, marks: PartitionMark[], from: Map<string, bigint> | undefined, batchSize: number, label: string): Promise<ReplayStats> {
    const progress = progressReporter(label, this.io.progress);
    try {
      return await replayRange(this.rangeOptions(ds, marks, from, batchSize, (p) => progress.update(p)));
    } finally {
      progress.stop();
    }
  }

  /** Replays every event into `schema`, just migrated (rebuildSchema: some indexes and constraints built at the end). */
  async rebuild(ds: DataSource, schema: string, marks: PartitionMark[], batchSize: number, label: string): Promise<ReplayStats> {
    const progress = progressReporter(label, this.io.progress);
    try {
      return await rebuildSchema({
        ...this.rangeOptions(ds, marks, undefined, batchSize, (p) => progress.update(p)),
        schema,
        deferred: this.target.rebuildDeferred ?? [],
        remigrate: async () => {
          await ds.query(`DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`);
          await runMigrationsWithLock(ds);
        },
      });
    } finally {
      progress.stop();
    }
  }

  rangeOptions(ds: DataSource, marks: PartitionMark[], from: Map<string, bigint> | undefined, batchSize: number, onProgress: ReplayRangeOptions['onProgress']): ReplayRangeOptions {
    return {
      kafka: this.kafka,
      projector: this.target.projector,
      dataSource: ds,
      marks,
      from,
      batchSize,
      onProgress,
      log: (l) => this.io.err(l),
    };
  }

  warnAboutTruncatedLogs(marks: PartitionMark[]): void {
    for (const m of marks) {
      if (m.low > 0n) this.io.err(`warning: ${m.topic}/${m.partition} starts at offset ${m.low}: earlier events were deleted, the rebuild cannot be complete`);
    }
  }

  summary(stats: ReplayStats, ms: number, schema: string, counts: Array<{ table: string; rows: number }>): void {
    const s = ms / 1000;
    this.io.out(`replayed ${stats.messages} events in ${s.toFixed(1)} s (${(stats.messages / Math.max(s, 0.001)).toFixed(0)} events/s): ` +
      `${stats.applied} applied, ${stats.duplicates} duplicates, ${stats.ignored} not kept by ${this.target.service}, ${stats.skipped.length} skipped`);
    for (const k of stats.skipped.slice(0, 10)) this.io.out(`  skipped ${k.topic}/${k.partition}@${k.offset}: ${k.reason}`);
    this.io.out(`tables of schema ${schema}:`);
    const width = Math.max(5, ...counts.map((c) => c.table.length));
    for (const c of counts) this.io.out(`  ${c.table.padEnd(width)}  ${String(c.rows).padStart(8)} rows`);
  }

  async schemaExists(db: DataSource, schema: string): Promise<boolean> {
    return (await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema])).length > 0;
  }

  /** Rebuilds into a new schema left in place for inspection. */
  async copy(cmd: ReplayCommand): Promise<number> {
    const schema = `${this.liveSchema}_replay_${stamp()}`.slice(0, 63);
    const ds = this.dataSource(schema);
    await ds.initialize();
    try {
      await runMigrationsWithLock(ds);
      const started = Date.now();
      const marks = await fetchMarks(this.kafka, this.target.projector.topics);
      this.warnAboutTruncatedLogs(marks);
      const stats = await this.rebuild(ds, schema, marks, cmd.batchSize, `replay ${this.target.service}`);
      this.summary(stats, Date.now() - started, schema, await rowCounts(ds, schema, this.target.excludeTables));
      this.io.out(`the rebuilt projection is in schema ${schema}; drop it when done: DROP SCHEMA ${schema} CASCADE`);
      return 0;
    } finally {
      await ds.destroy();
    }
  }

  /**
   * Rebuilds into a scratch schema while the service keeps running, and compares it with the live schema. The live
   * service keeps consuming meanwhile, so the comparison is made at replayed positions: replay up to the high-water
   * marks, wait until the live consumer groups have committed at least those marks (and the service's outbox is
   * published, so its own events topic holds every decision it folded), then compare. If the live side moved on in
   * between (new events), another round replays the new events and compares again, until the two agree, or nothing
   * moves any more and they still differ, or the time is up.
   */
  async verify(cmd: ReplayCommand): Promise<number> {
    const scratch = `${this.liveSchema}_verify_${stamp()}`.slice(0, 63);
    const ds = this.dataSource(scratch);
    await ds.initialize();
    const stats = emptyStats();
    const started = Date.now();
    const deadline = started + cmd.timeoutSeconds * 1000;
    // The summary's rate counts replaying only, not the waits for the live side.
    let replayMs = 0;
    try {
      if (!(await this.schemaExists(ds, this.liveSchema))) {
        this.io.err(`no schema ${this.liveSchema} in this database: nothing to verify (DATABASE_URL / DATABASE_SCHEMA?)`);
        return 1;
      }
      await runMigrationsWithLock(ds);
      const from = new Map<string, bigint>();
      let last: TableComparison[] = [];
      for (let round = 1; ; round++) {
        const marks = await fetchMarks(this.kafka, this.target.projector.topics);
        if (round === 1) this.warnAboutTruncatedLogs(marks);
        const replayStarted = Date.now();
        const s = await this.replay(ds, marks, from, cmd.batchSize, round === 1 ? `verify ${this.target.service}` : `verify ${this.target.service} (round ${round})`);
        replayMs += Date.now() - replayStarted;
        add(stats, s);
        for (const m of marks) from.set(tpKey(m.topic, m.partition), m.high);
        const behind = await this.waitForLive(ds, marks, deadline);
        last = await compareSchemas(ds, this.liveSchema, scratch, this.target.excludeTables);
        if (last.every((c) => c.equal)) {
          this.summary(stats, replayMs, scratch, await rowCounts(ds, scratch, this.target.excludeTables));
          this.printComparison(last);
          this.io.out(`verify ${this.target.service}: EQUAL (${last.length} tables, at the positions replayed; ${((Date.now() - started) / 1000).toFixed(1)} s in all)`);
          return 0;
        }
        const moved = !sameMarks(marks, await fetchMarks(this.kafka, this.target.projector.topics));
        if ((!moved && behind.length === 0) || Date.now() >= deadline) {
          this.summary(stats, replayMs, scratch, await rowCounts(ds, scratch, this.target.excludeTables));
          this.printComparison(last);
          for (const b of behind) this.io.err(`note: ${b}`);
          if (moved) this.io.err(`note: the topics kept growing until the timeout (${cmd.timeoutSeconds} s): run again when the load is lower, or with a longer --timeout`);
          this.io.out(`verify ${this.target.service}: DIFFERENT`);
          return 1;
        }
        this.io.err(`round ${round}: the live service moved on while comparing (or is still catching up); replaying the new events`);
        await sleep(500);
      }
    } finally {
      await ds.query(`DROP SCHEMA IF EXISTS ${q(scratch)} CASCADE`).catch((e) => this.io.err(`could not drop ${scratch}: ${(e as Error).message}`));
      await ds.destroy();
    }
  }

  /**
   * Waits (until the deadline) for the live side to have folded everything up to `marks`: committed offsets of its
   * consumer groups, and no unpublished outbox rows. Returns what it is still waiting for (empty when caught up).
   */
  async waitForLive(db: DataSource, marks: PartitionMark[], deadline: number): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (;;) {
        const behind: string[] = [];
        for (const group of this.target.liveConsumers) {
          const committed = new Map<string, bigint>();
          // Only topics that exist (fetchOffsets fails on a missing one; a missing topic has nothing to wait for).
          const topics = group.topics.filter((t) => marks.some((m) => m.topic === t));
          if (topics.length === 0) continue;
          for (const t of await admin.fetchOffsets({ groupId: group.groupId, topics })) {
            for (const p of t.partitions) committed.set(tpKey(t.topic, p.partition), BigInt(p.offset));
          }
          for (const m of marks.filter((x) => group.topics.includes(x.topic))) {
            const c = committed.get(tpKey(m.topic, m.partition)) ?? -1n;
            const at = c < 0n ? m.low : c;
            if (at < m.high) behind.push(`consumer group ${group.groupId} is at ${m.topic}/${m.partition}@${at}, replayed up to ${m.high}`);
          }
        }
        const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM ${q(this.liveSchema)}.outbox WHERE published_at IS NULL`);
        if (n > 0) behind.push(`${n} events of ${this.target.service} are not published yet (its outbox relay is behind or stopped)`);
        if (behind.length === 0 || Date.now() >= deadline) return behind;
        await sleep(250);
      }
    } finally {
      await admin.disconnect();
    }
  }

  printComparison(cmp: TableComparison[]): void {
    const width = Math.max(...cmp.map((c) => c.table.length));
    this.io.out(`comparison with the live schema ${this.liveSchema}:`);
    for (const c of cmp) {
      const verdict = c.equal ? 'equal' : 'DIFFERENT';
      this.io.out(`  ${c.table.padEnd(width)}  live ${String(c.live.rows).padStart(7)} rows ${c.live.checksum.slice(0, 12)}  rebuilt ${String(c.rebuilt.rows).padStart(7)} rows ${c.rebuilt.checksum.slice(0, 12)}  ${verdict}`);
      for (const r of c.onlyLive) this.io.out(`      only live:    ${r}`);
      for (const r of c.onlyRebuilt) this.io.out(`      only rebuilt: ${r}`);
    }
  }

  /** Drops and rebuilds the live schema of a stopped service, under the rebuild marker the service checks at start. */
  async fromScratch(cmd: ReplayCommand): Promise<number> {
    const ds = this.dataSource(this.liveSchema);
    await ds.initialize();
    const lock = ds.createQueryRunner();
    await lock.connect();
    const lockKey = `rebuild:${this.liveSchema}`;
    try {
      const [{ ok }] = await lock.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [lockKey]);
      if (!ok) {
        this.io.err(`another replay --from-scratch of schema ${this.liveSchema} is running; not starting a second one`);
        return 1;
      }
      const running = await this.runningServiceConnections(ds);
      if (running.length) {
        this.io.err(`${this.target.service} is running (database connections: ${running.join(', ')}): stop every instance first, then run --from-scratch again`);
        return 1;
      }
      const exists = await this.schemaExists(ds, this.liveSchema);
      const previous = await readRebuildMarker(ds, this.liveSchema);
      if (exists && !previous && (await ds.query(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'outbox'`, [this.liveSchema])).length) {
        const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM ${q(this.liveSchema)}.outbox WHERE published_at IS NULL`);
        if (n > 0) {
          // These decisions are in no topic yet: dropping the schema would lose them.
          this.io.err(`${n} events of ${this.target.service} are still unpublished in its outbox: start the service until its relay has published them (GET /metrics outbox_published_total), stop it, then run --from-scratch again`);
          return 1;
        }
      }
      if (previous) this.io.err(`an earlier rebuild did not finish (${previous}); starting over`);
      await setRebuildMarker(ds, this.liveSchema, `rebuild started ${new Date().toISOString()} by ${hostname()} pid ${process.pid}`);
      // A service that started between the check and the marker would now be caught here.
      const lateStarters = await this.runningServiceConnections(ds);
      if (lateStarters.length) {
        if (!previous) await clearRebuildMarker(ds, this.liveSchema);
        this.io.err(`${this.target.service} started meanwhile (${lateStarters.join(', ')}): stop it, then run --from-scratch again`);
        return 1;
      }
      const started = Date.now();
      this.io.err(`dropping schema ${this.liveSchema} and migrating it again`);
      await ds.query(`DROP SCHEMA IF EXISTS ${q(this.liveSchema)} CASCADE`);
      await runMigrationsWithLock(ds);
      const marks = await fetchMarks(this.kafka, this.target.projector.topics);
      this.warnAboutTruncatedLogs(marks);
      const stats = await this.rebuild(ds, this.liveSchema, marks, cmd.batchSize, `rebuild ${this.target.service}`);
      await clearRebuildMarker(ds, this.liveSchema);
      this.summary(stats, Date.now() - started, this.liveSchema, await rowCounts(ds, this.liveSchema, this.target.excludeTables));
      this.io.out(`rebuilt schema ${this.liveSchema}; ${this.target.service} may start again`);
      return 0;
    } finally {
      await lock.query(`SELECT pg_advisory_unlock(hashtext($1))`, [lockKey]).catch(() => undefined);
      await lock.release();
      await ds.destroy();
    }
  }

  /** Connections of the service's processes (TypeORM pools and the outbox relay) to this database. */
  async runningServiceConnections(db: DataSource): Promise<string[]> {
    const rows: Array<{ application_name: string; n: number }> = await db.query(
      `SELECT application_name, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
          AND (application_name = $1 OR application_name LIKE $1 || ':%' OR application_name = 'outbox-relay:' || $2)
        GROUP BY application_name ORDER BY application_name`,
      [this.target.service, this.liveSchema],
    );
    return rows.map((r) => `${r.application_name} (${r.n})`);
  }
}

function add(into: ReplayStats, s: ReplayStats): void {
  into.messages += s.messages;
  into.applied += s.applied;
  into.duplicates += s.duplicates;
  into.ignored += s.ignored;
  into.skipped.push(...s.skipped);
}

function sameMarks(a: PartitionMark[], b: PartitionMark[]): boolean {
  const key = (m: PartitionMark[]) => m.map((x) => `${tpKey(x.topic, x.partition)}:${x.high}`).join(',');
  return key(a) === key(b);
}

/**
 * Body of a service's replay entry (`npm run replay -- <service> [flags]`): validates KAFKA_BROKERS, DATABASE_URL
 * and DATABASE_SCHEMA as the service does, runs the mode and returns the exit code (0 ok / equal, 1 failed or
 * different, 2 usage).
 */
export async function runReplayTool(target: ReplayTarget, argv: readonly string[] = process.argv.slice(2), rawEnv: Record<string, unknown> = process.env, io: Out = stdio): Promise<number> {
  let cmd: ReplayCommand;
  try {
    cmd = parseReplayArgs(argv);
  } catch (err) {
    io.err(`${(err as Error).message}\n${REPLAY_USAGE}`);
    return 2;
  }
  let env: { KAFKA_BROKERS: string[]; DATABASE_URL: string; DATABASE_SCHEMA?: string };
  try {
    env = validateEnv([KafkaEnv, DatabaseEnv, LoggingEnv])(rawEnv);
  } catch (err) {
    io.err((err as Error).message);
    return 2;
  }
  const run = new ReplayRun(target, env, io);
  try {
    if (cmd.mode === 'verify') return await run.verify(cmd);
    if (cmd.mode === 'from-scratch') return await run.fromScratch(cmd);
    return await run.copy(cmd);
  } catch (err) {
    io.err(`replay ${target.service} failed: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}
