import { Envelope } from '@coupons/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { ProcessedMessageRow } from './entities';
import { tableName } from './table-name';

/**
 * Applies one event to a service's projection tables. Must depend only on the event and the rows it reads through
 * `em` (no clock, no randomness, no other I/O), so that replaying the topics rebuilds identical rows.
 */
export type Fold<P = any> = (em: EntityManager, envelope: Envelope<P>) => Promise<void>;

export type FoldResult = 'applied' | 'duplicate' | 'ignored';

/**
 * A service's projection: the folds for every event type it keeps, from its own events topic and the topics it
 * consumes. The one code path for live decisions (own events applied in the deciding transaction), live consumers of
 * other services' events, and the replay tool (every topic from offset 0).
 */
export class Projector {
  private readonly folds: ReadonlyMap<string, Fold>;

  /**
   * @param name consumer name recorded in processed_message for every event applied (e.g. `coupon-catalog.projection`)
   * @param topics every topic the projection is a fold of (the replay tool reads these)
   */
  constructor(readonly name: string, readonly topics: readonly string[], folds: Record<string, Fold>) {
    this.folds = new Map(Object.entries(folds));
  }

  handles(type: string): boolean {
    return this.folds.has(type);
  }

  /**
   * Applies the event once within the caller's transaction: records (name, eventId) in processed_message and runs the
   * fold; an event already applied is skipped, and a type without a fold is ignored (not recorded).
   */
  async applyOnce(em: EntityManager, envelope: Envelope): Promise<FoldResult> {
    const fold = this.folds.get(envelope.type);
    if (!fold) return 'ignored';
    const inserted: unknown[] = await em.query(
      `INSERT INTO ${tableName(em, ProcessedMessageRow)} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [this.name, envelope.eventId],
    );
    if (inserted.length === 0) return 'duplicate';
    await fold(em, envelope);
    return 'applied';
  }

  /**
   * applyOnce for several events in the caller's transaction, in order, with the processed_message bookkeeping of all
   * of them in one statement (the replay tool's batches). The folds run exactly as applyOnce runs them.
   */
  async applyMany(em: EntityManager, envelopes: readonly Envelope[]): Promise<FoldResult[]> {
    const kept = envelopes.filter((e) => this.folds.has(e.type));
    const fresh = new Set<string>();
    if (kept.length) {
      const inserted: Array<{ message_id: string }> = await em.query(
        `INSERT INTO ${tableName(em, ProcessedMessageRow)} (consumer, message_id) SELECT $1, id FROM unnest($2::text[]) AS id
         ON CONFLICT DO NOTHING RETURNING message_id`,
        [this.name, kept.map((e) => e.eventId)],
      );
      for (const r of inserted) fresh.add(r.message_id);
    }
    const out: FoldResult[] = [];
    for (const e of envelopes) {
      const fold = this.folds.get(e.type);
      if (!fold) out.push('ignored');
      else if (!fresh.delete(e.eventId)) out.push('duplicate'); // already applied, or a repeat within this batch
      else {
        await fold(em, e);
        out.push('applied');
      }
    }
    return out;
  }

  /** applyOnce in a transaction of its own: what a live consumer and the replay tool do per event. */
  fold(dataSource: DataSource, envelope: Envelope): Promise<FoldResult> {
    if (!this.handles(envelope.type)) return Promise.resolve('ignored');
    return dataSource.transaction((em) => this.applyOnce(em, envelope));
  }
}
