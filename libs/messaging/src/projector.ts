import { Envelope } from '@coupons/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { foldEach } from './fold-runs';
import { recordProcessedMessages } from './handle-once';
import { HandlerOutcome, Outcome } from './outcome';

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

export type FoldResult = 'applied' | 'duplicate' | 'ignored';

const isRunFold = (f: Fold | RunFoldSpec): f is RunFoldSpec => typeof f === 'object' && f !== null && typeof f.run === 'function';

/**
 * A service's projection: the folds for every event type it keeps, from its own events topic and the topics it
 * consumes. The one code path for live decisions (own events applied in the deciding transaction), live consumers of
 * other services' events, and the replay tool (every topic from offset 0): all of them go through {@link applyMany},
 * the live ones with a batch of one event.
 */
export class Projector {
  private readonly folds: ReadonlyMap<string, RunFold>;

  /**
   * @param name consumer name recorded in processed_message for every event applied (e.g. `coupon-catalog.projection`)
   * @param topics every topic the projection is a fold of (the replay tool reads these)
   * @param folds per type, a {@link Fold} (one event at a time) or a {@link foldRuns} set-based fold
   */
  constructor(readonly name: string, readonly topics: readonly string[], folds: Record<string, Fold | RunFoldSpec>) {
    this.folds = new Map(Object.entries(folds).map(([type, f]) => [type, isRunFold(f) ? f.run : foldEach(f)]));
  }

  handles(type: string): boolean {
    return this.folds.has(type);
  }

  /**
   * Applies the event once within the caller's transaction: records (name, eventId) in processed_message and runs the
   * fold; an event already applied is skipped, and a type without a fold is ignored (not recorded). The same code as
   * {@link applyMany}, with one event.
   */
  async applyOnce(em: EntityManager, envelope: Envelope): Promise<FoldResult> {
    return (await this.applyMany(em, [envelope]))[0];
  }

  /**
   * Applies several events once each, in order, in the caller's transaction: the processed_message bookkeeping of all
   * of them in one statement, then each run of consecutive fresh events of one type through its fold at once.
   * Duplicates (already applied, or repeated within `envelopes`) and types without a fold have no effect, so they do
   * not break a run. If it throws, the caller's transaction must be rolled back (nothing of the batch is kept).
   */
  async applyMany(em: EntityManager, envelopes: readonly Envelope[]): Promise<FoldResult[]> {
    const kept = envelopes.filter((e) => this.folds.has(e.type));
    const fresh = await recordProcessedMessages(em, this.name, kept.map((e) => e.eventId));
    const out: FoldResult[] = [];
    let run: Envelope[] = [];
    const flush = async () => {
      if (run.length) await this.folds.get(run[0].type)!(em, run);
      run = [];
    };
    for (const e of envelopes) {
      if (!this.folds.has(e.type)) out.push('ignored');
      else if (!fresh.delete(e.eventId)) out.push('duplicate'); // already applied, or a repeat within this batch
      else {
        if (run.length && run[0].type !== e.type) await flush();
        run.push(e);
        out.push('applied');
      }
    }
    await flush();
    return out;
  }

  /** applyOnce in a transaction of its own. */
  fold(dataSource: DataSource, envelope: Envelope): Promise<FoldResult> {
    if (!this.handles(envelope.type)) return Promise.resolve('ignored');
    return dataSource.transaction((em) => this.applyOnce(em, envelope));
  }

  /**
   * What a live consumer of other services' events does with a run of them (one partition, in order; a run of one for
   * a single message): applyMany in one transaction, together with `alongside` (e.g. recording how far the partition
   * is folded), and each result as the consumer's outcome. Without `alongside`, a run of types this projection keeps
   * no fold for costs no transaction.
   */
  async consume(dataSource: DataSource, envelopes: readonly Envelope[], alongside?: (em: EntityManager) => Promise<void>): Promise<HandlerOutcome[]> {
    const results =
      !alongside && !envelopes.some((e) => this.handles(e.type))
        ? envelopes.map((): FoldResult => 'ignored')
        : await dataSource.transaction(async (em) => {
            const r = await this.applyMany(em, envelopes);
            await alongside?.(em);
            return r;
          });
    return results.map((r, i) =>
      r === 'duplicate' ? Outcome.duplicate : r === 'ignored' ? Outcome.ignored(`${this.name} keeps no ${envelopes[i].type}`) : Outcome.done,
    );
  }
}
