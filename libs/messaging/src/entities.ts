import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * Events waiting to be published (and, once published, kept as a local record). Appended in the same transaction as
 * the state they describe; the relay publishes them in id order.
 */
@Entity({ name: 'outbox' })
@Index('outbox_unpublished_idx', ['id'], { where: 'published_at IS NULL' })
export class OutboxRow {
  /** bigint comes back from pg as a string: ids beyond 2^53 stay exact. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('text') topic!: string;
  @Column('text') key!: string;
  @Column('jsonb') envelope!: Record<string, unknown>;
  @Column('jsonb') headers!: Record<string, string>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'published_at', nullable: true }) publishedAt!: Date | null;
}

/**
 * One row per (consumer, message) processed, for a projection that dedupes other services' events by id (see
 * Projector's `dedupe`): written in the transaction that applied the message, so a republished event is skipped.
 */
@Entity({ name: 'processed_message' })
export class ProcessedMessageRow {
  @PrimaryColumn('text') consumer!: string;
  @PrimaryColumn('text', { name: 'message_id' }) messageId!: string;
  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz', default: () => 'now()' }) processedAt!: Date;
}

/**
 * The one record of a decided command, keyed by its id, written once in the deciding transaction (by the folds of the
 * service's own outcome events, so replay writes the same row): its outcome event answers Idempotency-Key repeats, and
 * carries the request's fingerprint (`requestHash`).
 */
@Entity({ name: 'command_outcome' })
export class CommandOutcomeRow {
  @PrimaryColumn('text', { name: 'command_id' }) commandId!: string;
  @Column('jsonb') outcome!: Record<string, unknown>;
}

/**
 * How far a projection has folded each partition of the topics it consumes (the next offset to fold), updated in the
 * fold's own transaction: redelivered offsets below it are skipped, and read-your-writes waits on it.
 */
@Entity({ name: 'fold_position' })
export class FoldPositionRow {
  @PrimaryColumn('text') topic!: string;
  @PrimaryColumn('integer') partition!: number;
  /** bigint as a string: offsets are int64. */
  @Column('bigint', { name: 'next_offset' }) nextOffset!: string;
}

/**
 * A command that can't be decided yet (the wallet's claim for a coupon it has not folded), set aside durably so that
 * its partition goes on; decided later in `seq` order per key (CommandPipeline).
 */
@Entity({ name: 'parked_command' })
@Unique('parked_command_command_id_key', ['commandId'])
@Index('parked_command_key_idx', ['parkKey', 'seq'])
export class ParkedCommandRow {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) seq!: string;
  @Column('text', { name: 'command_id' }) commandId!: string;
  @Column('text', { name: 'park_key' }) parkKey!: string;
  @Column('jsonb') command!: Record<string, unknown>;
  @CreateDateColumn({ name: 'parked_at', type: 'timestamptz', default: () => 'now()' }) parkedAt!: Date;
}

/** Add to every service's DataSource `entities`. */
export const MESSAGING_ENTITIES = [OutboxRow, ProcessedMessageRow, CommandOutcomeRow, FoldPositionRow, ParkedCommandRow];
