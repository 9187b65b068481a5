import { Envelope } from '@coupons/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { COMMAND_OUTCOME_KEY } from './command-outcomes';
import { BatchMessage } from './consumer';
import { CommandOutcomeRow, ParkedCommandRow } from './entities';
import { appendAllToOutbox } from './outbox';
import { HandlerOutcome, Outcome, isUniqueViolation } from './outcome';
import { Projector } from './projector';
import { tableName } from './table-name';

/** What a run's state may do with the decisions taken so far in the run. */
export interface RunState {
  /** Takes a decision's events in, so that the run's next decisions see them. */
  decided?(events: readonly Envelope[]): void;
}

/**
 * The events decided so far in a run, not folded yet. A state read the run's snapshot can't answer calls {@link flush}
 * first, so that it reads tables that hold every decision before it.
 */
export interface PendingFolds {
  flush(): Promise<void>;
}

/** A command set aside until it can be decided (see {@link Decider.parking}). */
export interface Parking {
  /** The key whose commands must be decided in order (the Kafka key: e.g. the coupon id). */
  keyOf(command: Envelope): string;
  /** How long a command may stay parked before it is decided with {@link expired}. */
  graceMs: number;
  /** The decision for a command still undecidable after the grace (e.g. COUPON_NOT_FOUND). */
  expired(command: Envelope, now: Date): Envelope[];
}

/** What a service supplies to decide its commands; the pipeline does the rest. */
export interface Decider<S extends object> {
  /** Whether the type is one of this service's commands (any other is dead-lettered). */
  accepts(type: string): boolean;
  /** Reads, once, what the run's commands need, inside the deciding transaction. */
  readState(em: EntityManager, commands: readonly Envelope[], pending: PendingFolds): Promise<S>;
  /**
   * Decides one command from the state (no other I/O, no clock but `now`): its events, the first one the command's
   * outcome (caused by it). null: it can't be decided yet, and is parked (only with {@link parking}).
   * `now` is the command's own time (see {@link decisionTime}), never the clock at decision.
   */
  decide(command: Envelope, state: S, now: Date): Promise<Envelope[] | null>;
  /** Parks commands that can't be decided yet instead of holding up their partition. */
  parking?: Parking;
  /** The order in which a run's events are folded, when it may differ from the decisions' (default: as decided). */
  foldOrder?(events: readonly Envelope[]): Envelope[];
}

export interface CommandPipelineOptions<S extends object> {
  /** Whose commands (`wallet`): named in the dead letter of a command of another type. */
  name: string;
  dataSource: DataSource;
  projection: Projector;
  decider: Decider<S>;
  /**
   * Unique violations that mean a concurrent decider (another instance, during a rebalance) got there first: the run is
   * decided again from the new state. The command outcome key is always one.
   */
  raceConstraints?: readonly string[];
  /** Runs before the transaction, outside it (ordering's read-your-writes wait). */
  beforeRun?(commands: readonly Envelope[]): Promise<void>;
  /** Called for each run decided again after a race. */
  onRedecide?(): void;
  /** The clock: how long a command has been parked (the decisions themselves take their time from the command). */
  now?: () => Date;
}

/**
 * The time a command is decided at: its envelope's occurredAt, the moment the gateway accepted the request. A command
 * decided late (parked for its coupon, retried, redelivered after a crash, decided again after a race) is judged at
 * the moment the shopper asked, not when a consumer got to it: a claim window that closed meanwhile, or a daily cap's
 * day that ended meanwhile, does not change its outcome. `clock` only for an envelope without a readable time.
 */
export function decisionTime(command: Pick<Envelope, 'occurredAt'>, clock: () => Date): Date {
  const t = Date.parse(command.occurredAt);
  return Number.isFinite(t) ? new Date(t) : clock();
}

/** Decisions taken again in place after losing a race, before handing the run back to the consumer runtime. */
const REDECIDE_ATTEMPTS = 5;

interface Known {
  decided: Set<string>;
  parked: Set<string>;
  parkedKeys: Set<string>;
}

/**
 * The one decision path of a service's commands. Every delivery is a run (consecutive commands of one partition,
 * possibly one): in ONE transaction it finds which of them are decided already (command_outcome) or parked, reads
 * the state the others need once, decides each in order (each decision sees the ones before it), folds the events
 * with the projection's folds (the ones replay runs; the own events' folds write the one command_outcome row of each
 * command), appends them to the outbox, and parks what can't be decided yet. Retries and dead letters are the
 * consumer runtime's (KafkaConsumerRunner): a run that throws is handed back and its first command goes alone.
 */
export class CommandPipeline<S extends object> {
  private readonly now: () => Date;
  private readonly races: readonly string[];

  constructor(private readonly o: CommandPipelineOptions<S>) {
    this.now = o.now ?? (() => new Date());
    this.races = [COMMAND_OUTCOME_KEY, ...(o.raceConstraints ?? [])];
  }

  /** The consumer's handlers: the single-message one is the run handler with a run of one. */
  handlers(): { handle: (cmd: Envelope) => Promise<HandlerOutcome>; handleBatch: (messages: BatchMessage[]) => Promise<HandlerOutcome[]> } {
    return {
      handle: async (cmd) => (await this.decideRun([cmd]))[0],
      handleBatch: (messages) => this.decideRun(messages.map((m) => m.envelope)),
    };
  }

  /**
   * Decides a run; returns the outcomes of its leading commands (every one this service decides; a command of another
   * type is dealt with alone, as failed). A race lost to a concurrent decider is decided again; after a few attempts
   * the run is handed back (a run of one: retried with backoff).
   */
  async decideRun(commands: readonly Envelope[]): Promise<HandlerOutcome[]> {
    let n = 0;
    while (n < commands.length && this.o.decider.accepts(commands[n].type)) n++;
    if (n === 0) return commands.length ? [Outcome.failed(new Error(`${commands[0].type} is not a ${this.o.name} command`))] : [];
    const run = commands.slice(0, n);
    await this.o.beforeRun?.(run);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.o.dataSource.transaction((em) => this.decideIn(em, run));
      } catch (err) {
        if (!this.races.some((c) => isUniqueViolation(err, c))) throw err;
        if (attempt >= REDECIDE_ATTEMPTS) return run.length === 1 ? [Outcome.retry(err as Error)] : [];
        this.o.onRedecide?.();
      }
    }
  }

  private async decideIn(em: EntityManager, run: readonly Envelope[]): Promise<HandlerOutcome[]> {
    const parking = this.o.decider.parking;
    const known = await this.known(em, run.map((c) => c.eventId), parking ? run.map((c) => parking.keyOf(c)) : []);
    const seen = new Set<string>();
    // Not fresh: decided or parked before, or a repeat within this run.
    const fresh = run.map((c) => {
      const f = !known.decided.has(c.eventId) && !known.parked.has(c.eventId) && !seen.has(c.eventId);
      seen.add(c.eventId);
      return f;
    });
    const pending = new Pending(em, this.o.projection, this.o.decider);
    const state = await this.o.decider.readState(em, run.filter((_, i) => fresh[i]), pending);
    const outcomes: HandlerOutcome[] = [];
    const toPark: Envelope[] = [];
    for (let i = 0; i < run.length; i++) {
      const cmd = run[i];
      if (!fresh[i]) {
        outcomes.push(Outcome.duplicate);
        continue;
      }
      // Behind a parked command of its key: parked too, so that the key's commands are decided in order.
      const events = parking && known.parkedKeys.has(parking.keyOf(cmd)) ? null : await this.o.decider.decide(cmd, state, decisionTime(cmd, this.now));
      if (events === null) {
        if (!parking) throw new Error(`${cmd.type} ${cmd.eventId} could not be decided, and this service parks no command`);
        known.parkedKeys.add(parking.keyOf(cmd));
        toPark.push(cmd);
      } else {
        (state as RunState).decided?.(events);
        pending.add(events);
      }
      outcomes.push(Outcome.done);
    }
    await pending.finish();
    if (toPark.length) await this.park(em, toPark);
    return outcomes;
  }

  /** Which of the ids are decided or parked, and which of the keys have a command parked: one statement. */
  private async known(em: EntityManager, ids: readonly string[], keys: readonly string[]): Promise<Known> {
    const parked = tableName(em, ParkedCommandRow);
    const [r]: Array<{ decided: string[]; parked: string[]; keys: string[] }> = await em.query(
      `SELECT ARRAY(SELECT command_id FROM ${tableName(em, CommandOutcomeRow)} WHERE command_id = ANY($1::text[])) AS decided,
              ARRAY(SELECT command_id FROM ${parked} WHERE cardinality($2::text[]) > 0 AND command_id = ANY($1::text[])) AS parked,
              ARRAY(SELECT DISTINCT park_key FROM ${parked} WHERE park_key = ANY($2::text[])) AS keys`,
      [[...new Set(ids)], [...new Set(keys)]],
    );
    return { decided: new Set(r.decided), parked: new Set(r.parked), parkedKeys: new Set(r.keys) };
  }

  private async park(em: EntityManager, commands: readonly Envelope[]): Promise<void> {
    const parking = this.o.decider.parking!;
    await em.query(
      // In the run's order: seq is the order the key's commands are decided in later.
      `INSERT INTO ${tableName(em, ParkedCommandRow)} (command_id, park_key, command)
       SELECT c->>'eventId', k, c FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS x(k, c, n) ORDER BY n`,
      [commands.map((c) => parking.keyOf(c)), commands.map((c) => JSON.stringify(c))],
    );
  }

  /**
   * Decides parked commands, oldest first per key, through the same decide and folds: those that can be decided now,
   * and those parked longer than the grace with {@link Parking.expired}; a key's commands stay in order (the first
   * that still can't be decided keeps the ones after it parked). One sweeper at a time across instances (an advisory
   * lock). Returns how many were decided; 0 with nothing parked costs one statement.
   */
  async decideParked(limit = 200): Promise<number> {
    const parking = this.o.decider.parking;
    if (!parking) return 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.o.dataSource.transaction(async (em) => {
          const t = tableName(em, ParkedCommandRow);
          const rows: Array<{ seq: string; command: Envelope; expired: boolean }> = await em.query(
            `SELECT seq, command, now() - parked_at >= make_interval(secs => $2) AS expired FROM ${t}
              WHERE pg_try_advisory_xact_lock(hashtext($3)) ORDER BY seq LIMIT $1`,
            [limit, parking.graceMs / 1000, t],
          );
          if (rows.length === 0) return 0;
          // The grace is about waiting: it runs on the clock; the decisions are at each command's own time.
          const now = this.now();
          const pending = new Pending(em, this.o.projection, this.o.decider);
          const state = await this.o.decider.readState(em, rows.map((r) => r.command), pending);
          const blocked = new Set<string>();
          const done: string[] = [];
          for (const r of rows) {
            const key = parking.keyOf(r.command);
            if (blocked.has(key)) continue;
            const events = (await this.o.decider.decide(r.command, state, decisionTime(r.command, this.now))) ?? (r.expired ? parking.expired(r.command, now) : null);
            if (events === null) {
              blocked.add(key);
              continue;
            }
            (state as RunState).decided?.(events);
            pending.add(events);
            done.push(r.seq);
          }
          await pending.finish();
          if (done.length) await em.query(`DELETE FROM ${t} WHERE seq = ANY($1::bigint[])`, [done]);
          return done.length;
        });
      } catch (err) {
        if (!this.races.some((c) => isUniqueViolation(err, c)) || attempt >= REDECIDE_ATTEMPTS) throw err;
        this.o.onRedecide?.();
      }
    }
  }
}

/** A run's decided events: folded on demand ({@link flush}) and at the end, then appended to the outbox. */
class Pending implements PendingFolds {
  private unfolded: Envelope[] = [];
  private readonly all: Envelope[] = [];

  constructor(private readonly em: EntityManager, private readonly projection: Projector, private readonly decider: Decider<object>) {}

  add(events: readonly Envelope[]): void {
    this.unfolded.push(...events);
    this.all.push(...events);
  }

  async flush(): Promise<void> {
    const events = this.unfolded;
    this.unfolded = [];
    if (events.length) await this.projection.applyMany(this.em, this.decider.foldOrder ? this.decider.foldOrder(events) : events);
  }

  async finish(): Promise<void> {
    await this.flush();
    await appendAllToOutbox(this.em, this.all.map((envelope) => ({ topic: this.projection.sources.own, envelope })));
  }
}
