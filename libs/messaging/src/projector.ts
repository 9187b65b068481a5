import { Envelope } from '@coupons/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { FoldPositionRow } from './entities';
import { FoldProgress } from './fold-progress';
import { recordProcessedMessages } from './processed-messages';
import { HandlerOutcome, Outcome } from './outcome';
import { tableName } from './table-name';

/**
 * Applies one event to a service's projection tables. Must depend only on the event and the rows it reads through
 * `em` (no clock, no randomness, no other I/O), so that replaying the topics rebuilds identical rows.
 */
export type Fold<P = any> = (em: EntityManager, envelope: Envelope<P>) => Promise<void>;

/**
 * Applies a run of consecutive events of one type, in their order, in a few set-based statements (e.g. one
 * `INSERT ... SELECT FROM jsonb_to_recordset(...)` for the whole run). Contract: the rows it leaves are the rows the
 * events applied one after another leave, and it fails (throws) exactly when one of them would fail on its own, so that
 * a caller that splits a failing run finds the event at fault alone. Same purity rules as {@link Fold}.
 */
export type RunFold<P = any> = (em: EntityManager, envelopes: readonly Envelope<P>[]) => Promise<void>;

/** A fold written for runs of events: see {@link RunFold}. Built with {@link foldRuns}. */
export interface RunFoldSpec<P = any> {
  readonly run: RunFold<P>;
}

/** Declares a set-based fold: the projector hands it every run of consecutive fresh events of its type at once. */
export const foldRuns = <P>(run: RunFold<P>): RunFoldSpec<P> => ({ run });

/** A one-event fold as a run fold: each event in turn (for rare types not worth a set-based statement). */
export function foldEach<P>(fold: Fold<P>): RunFold<P> {
  return async (em, envelopes) => {
    for (const e of envelopes) await fold(em, e);
  };
}

export type FoldResult = 'applied' | 'duplicate' | 'ignored';

/**
 * How a projection recognises other services' events it has folded already:
 * - `offsets`: the next offset of each partition, kept in fold_position in the fold's transaction (one row per
 *   partition, one statement per run). A redelivered offset is skipped; an event published twice (at two offsets) is
 *   folded twice, so every fold of consumed events must leave the same rows when an event comes again in order.
 * - `ids`: a processed_message row per event: for folds that are not like that (counters).
 */
export type Dedupe = 'offsets' | 'ids';

/** An event consumed from another service's topic, with its offset in the partition. */
export interface ConsumedEvent {
  envelope: Envelope;
  offset: string;
}

export interface ProjectionTopics {
  /** The service's own events topic: folded in the deciding transaction (and on replay), never consumed live. */
  own: string;
  /** Other services' topics the projection consumes. */
  consumed: readonly string[];
}

const isRunFold = (f: Fold | RunFoldSpec): f is RunFoldSpec => typeof f === 'object' && f !== null && typeof f.run === 'function';

/**
 * A service's projection: the folds for every event type it keeps, from its own events topic and the topics it
 * consumes. One fold per type, whoever applies it: the decision pipeline (own events, in the deciding transaction),
 * the live consumers of other services' events ({@link consume}) and the replay tool (every topic from offset 0).
 */
export class Projector {
  private readonly folds: ReadonlyMap<string, RunFold>;
  /** Every topic the projection is a fold of (the replay tool reads these). */
  readonly topics: readonly string[];
  /** Signalled after each live fold of consumed events commits ({@link consume}). */
  readonly progress = new FoldProgress();

  /**
   * @param name consumer name recorded in processed_message for events deduped by id (e.g. `coupon-catalog.projection`)
   * @param folds per type, a {@link Fold} (one event at a time) or a {@link foldRuns} set-based fold
   * @param dedupe how consumed events are deduped (see {@link Dedupe})
   */
  constructor(
    readonly name: string,
    readonly sources: ProjectionTopics,
    folds: Record<string, Fold | RunFoldSpec>,
    readonly dedupe: Dedupe = 'offsets',
  ) {
    this.folds = new Map(Object.entries(folds).map(([type, f]) => [type, isRunFold(f) ? f.run : foldEach(f)]));
    this.topics = [sources.own, ...sources.consumed];
  }

  handles(type: string): boolean {
    return this.folds.has(type);
  }

  /**
   * Folds events in order in the caller's transaction, with no bookkeeping (the caller has deduped them): each run of
   * consecutive events of one type through its fold at once; types without a fold are ignored. If it throws, the
   * caller's transaction must be rolled back.
   */
  async applyMany(em: EntityManager, envelopes: readonly Envelope[]): Promise<FoldResult[]> {
    const out: FoldResult[] = [];
    let run: Envelope[] = [];
    const flush = async () => {
      if (run.length) await this.folds.get(run[0].type)!(em, run);
      run = [];
    };
    for (const e of envelopes) {
      if (!this.folds.has(e.type)) {
        out.push('ignored');
        continue;
      }
      if (run.length && run[0].type !== e.type) await flush();
      run.push(e);
      out.push('applied');
    }
    await flush();
    return out;
  }

  /**
   * Consumed events of ONE partition, in offset order, folded once each in the caller's transaction, deduped the
   * projection's way (see {@link Dedupe}) with its bookkeeping: what the live consumer and the replay tool both run.
   */
  async applyConsumed(em: EntityManager, topic: string, partition: number, events: readonly ConsumedEvent[]): Promise<FoldResult[]> {
    if (events.length === 0) return [];
    if (this.dedupe === 'offsets') {
      const folded = await advanceFoldPosition(em, topic, partition, events[events.length - 1].offset);
      const fresh = events.map((e) => BigInt(e.offset) >= folded);
      return withDuplicates(fresh, await this.applyMany(em, events.filter((_, i) => fresh[i]).map((e) => e.envelope)));
    }
    const kept = events.filter((e) => this.folds.has(e.envelope.type));
    const fresh = await recordProcessedMessages(em, this.name, kept.map((e) => e.envelope.eventId));
    // Not fresh: applied before, or a repeat within these events.
    const isFresh = events.map((e) => !this.folds.has(e.envelope.type) || fresh.delete(e.envelope.eventId));
    return withDuplicates(isFresh, await this.applyMany(em, events.filter((_, i) => isFresh[i]).map((e) => e.envelope)));
  }

  /**
   * What a live consumer of other services' events does with a run of them (one partition, in order; a run of one for
   * a single message): {@link applyConsumed} in one transaction, each result as the consumer's outcome. A run of types
   * this projection keeps no fold for costs no transaction unless `recordIgnored` (read-your-writes waits on
   * positions, whatever the types).
   */
  async consume(dataSource: DataSource, topic: string, partition: number, events: readonly ConsumedEvent[], opts: { recordIgnored?: boolean } = {}): Promise<HandlerOutcome[]> {
    const results =
      !(opts.recordIgnored && this.dedupe === 'offsets') && !events.some((e) => this.handles(e.envelope.type))
        ? events.map((): FoldResult => 'ignored')
        : await dataSource.transaction((em) => this.applyConsumed(em, topic, partition, events)).finally(() => this.progress.advanced());
    return results.map((r, i) =>
      r === 'duplicate' ? Outcome.duplicate : r === 'ignored' ? Outcome.ignored(`${this.name} keeps no ${events[i].envelope.type}`) : Outcome.done,
    );
  }
}

/** The fresh events' results in place, 'duplicate' for the others: indexed, as shift() per event is quadratic on replay's batches. */
function withDuplicates(fresh: readonly boolean[], applied: readonly FoldResult[]): FoldResult[] {
  let next = 0;
  return fresh.map((f) => (f ? applied[next++] : 'duplicate'));
}

/**
 * Moves a partition's fold position to just after `lastOffset` (never back) and returns where it was: the events below
 * that are folded already. One statement: its subquery reads the row as of the statement's start. Two instances folding
 * one partition at once (a rebalance) can both see the old position and fold the same events; the folds leave the same
 * rows for that (see {@link Dedupe}).
 */
export async function advanceFoldPosition(em: EntityManager, topic: string, partition: number, lastOffset: string): Promise<bigint> {
  const t = tableName(em, FoldPositionRow);
  const rows: Array<{ before: string | null }> = await em.query(
    `INSERT INTO ${t} AS p (topic, partition, next_offset) VALUES ($1, $2, $3)
     ON CONFLICT (topic, partition) DO UPDATE SET next_offset = GREATEST(p.next_offset, EXCLUDED.next_offset)
     RETURNING (SELECT f.next_offset::text FROM ${t} f WHERE f.topic = $1 AND f.partition = $2) AS before`,
    [topic, partition, (BigInt(lastOffset) + 1n).toString()],
  );
  return BigInt(rows[0].before ?? '0');
}
