import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

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
 * One row per (consumer, message) processed: written in the transaction that applied the message, so a redelivered
 * message is recognised and skipped. For commands, `outcome` holds the outcome event (idempotent repeats answer it).
 */
@Entity({ name: 'processed_message' })
export class ProcessedMessageRow {
  @PrimaryColumn('text') consumer!: string;
  @PrimaryColumn('text', { name: 'message_id' }) messageId!: string;
  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz', default: () => 'now()' }) processedAt!: Date;
  @Column('jsonb', { nullable: true }) outcome!: Record<string, unknown> | null;
}

/** Add to every service's DataSource `entities`. */
export const MESSAGING_ENTITIES = [OutboxRow, ProcessedMessageRow];
