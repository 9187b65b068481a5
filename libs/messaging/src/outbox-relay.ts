import { Kafka, Message } from 'kafkajs';
import { Client, ClientConfig } from 'pg';
import { IdempotentProducer } from './idempotent-producer';
import { ensureTopics } from './topic-provisioning';
import { outboxChannel } from './schema';

export interface RelayLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface OutboxRelayOptions {
  /** PostgreSQL connection for the relay's own session (lock + LISTEN + reads). */
  database: ClientConfig;
  /** The service schema whose outbox this relay publishes. */
  schema: string;
  kafka: Kafka;
  /** Rows per Kafka send. Default 500. */
  batchSize?: number;
  /** Fallback poll when no notification arrives (lost NOTIFY, relay just promoted). Default 1000 ms. */
  pollIntervalMs?: number;
  /** How often a standby relay tries to take the lock over. Default 1000 ms. */
  standbyIntervalMs?: number;
  /** Partitions for topics the relay has to create. Default 3. */
  numPartitions?: number;
  /**
   * Published rows are deleted after this long (default 24 h): Kafka is the record, the table only a buffer.
   * 0 keeps them forever.
   */
  retainPublishedMs?: number;
  logger?: RelayLogger;
  /** Called after each published batch (metrics). */
  onPublished?: (count: number) => void;
}

const silent: RelayLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface PendingRow {
  id: string;
  topic: string;
  key: string;
  /** The envelope as JSON text, published as it is (parsing and serializing it again would only cost time). */
  envelope: string;
  headers: Record<string, string>;
}

/**
 * Publishes a service's outbox to Kafka, in id order, at least once.
 *
 * - Only one relay per schema publishes: it holds a session-level advisory lock on a dedicated connection. Others
 *   wait as standbys and take over when that session ends (process death closes it, PostgreSQL frees the lock).
 * - Woken by LISTEN/NOTIFY (trigger on outbox insert), with a polling fallback.
 * - Idempotent producer (acks -1, one request in flight; a new one after a failed send, see IdempotentProducer), so a
 *   batch is written once and in order per partition;
 *   a crash between send and mark-published republishes the batch, and consumers dedupe by eventId.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly standbyIntervalMs: number;
  private readonly logger: RelayLogger;
  private readonly lockKey: string;
  private producer: IdempotentProducer | null = null;
  private client: Client | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** A notification that came while busy: the next idle returns at once instead of missing it. */
  private signalled = false;
  private knownTopics = new Set<string>();
  private leader = false;
  private lastCleanup = 0;

  constructor(private readonly opts: OutboxRelayOptions) {
    this.batchSize = opts.batchSize ?? 500;
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.standbyIntervalMs = opts.standbyIntervalMs ?? 1000;
    this.logger = opts.logger ?? silent;
    this.lockKey = `outbox-relay:${opts.schema}`;
  }

  /** Whether this instance currently holds the relay lock. */
  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the batch in flight (if any) is sent and marked; releases the lock by closing the session. */
  async stop(): Promise<void> {
    this.running = false;
    this.signal();
    await this.loop;
    this.loop = null;
  }

  /** Wakes the publisher now (a notification, a stop, or a hint after a local commit). */
  signal(): void {
    this.signalled = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.session();
      } catch (err) {
        this.logger.error({ err }, 'outbox relay session failed; retrying');
        // A producer that failed may be in a bad state (fenced, broken connection): start the next session afresh.
        const p = this.producer;
        this.producer = null;
        await p?.disconnect().catch(() => undefined);
      } finally {
        this.leader = false;
        await this.closeSession();
      }
      if (this.running) await this.idle(this.standbyIntervalMs);
    }
  }

  /** One database session: become leader (or wait as standby), then publish until stopped or the session breaks. */
  private async session(): Promise<void> {
    const client = new Client({ ...this.opts.database, application_name: `outbox-relay:${this.opts.schema}` });
    this.client = client;
    let broken: Error | null = null;
    client.on('error', (err) => {
      broken = err;
      this.signal();
    });
    await client.connect();
    while (this.running && !broken) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [this.lockKey]);
      if (rows[0].locked) break;
      await this.idle(this.standbyIntervalMs);
    }
    if (!this.running || broken) return;
    this.leader = true;
    this.logger.info({ schema: this.opts.schema }, 'outbox relay is the publisher for this schema');
    // Marking rows published needs no flush to disk: a mark lost in a database crash only means the rows are
    // published again, which consumers dedupe (by eventId) as they do after a relay crash between send and mark.
    // This session's commits then cost no WAL fsync of their own.
    await client.query('SET synchronous_commit = off');
    // The relay's statements fetch a few rows by index. Left to choose, PostgreSQL used bitmap scans for them, and this
    // session cost 0.32 ms of CPU per published claim (perf: TID bitmap hashing and heap page pruning on top); with
    // plain index scans, 0.08 ms.
    await client.query('SET enable_bitmapscan = off');
    client.on('notification', () => this.signal());
    await client.query(`LISTEN "${outboxChannel(this.opts.schema)}"`);
    if (!this.producer) {
      const producer = new IdempotentProducer(this.opts.kafka, { allowAutoTopicCreation: false });
      await producer.connect();
      this.producer = producer;
    }
    while (this.running && !broken) {
      const sent = await this.publishBatch(client);
      if (sent < this.batchSize) {
        await this.cleanup(client);
        await this.idle(this.pollIntervalMs);
      }
    }
    if (broken) throw broken;
  }

  private async publishBatch(client: Client): Promise<number> {
    const schema = `"${this.opts.schema}"`;
    const { rows } = await client.query<PendingRow>(
      `SELECT id, topic, key, envelope::text AS envelope, headers FROM ${schema}.outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [this.batchSize],
    );
    if (rows.length === 0) return 0;
    const byTopic = new Map<string, Message[]>();
    for (const r of rows) {
      const list = byTopic.get(r.topic) ?? [];
      list.push({ key: r.key, value: r.envelope, headers: r.headers });
      byTopic.set(r.topic, list);
    }
    const newTopics = [...byTopic.keys()].filter((t) => !this.knownTopics.has(t));
    if (newTopics.length) {
      await ensureTopics(this.opts.kafka, newTopics, this.opts.numPartitions ?? 3);
      newTopics.forEach((t) => this.knownTopics.add(t));
    }
    await this.producer!.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    await client.query(`UPDATE ${schema}.outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
    this.opts.onPublished?.(rows.length);
    return rows.length;
  }

  /** Deletes long-published rows, at most every 10 minutes and 10 000 rows at a time (short transactions). */
  private async cleanup(client: Client): Promise<void> {
    const retain = this.opts.retainPublishedMs ?? 24 * 3600_000;
    if (retain <= 0 || Date.now() - this.lastCleanup < 10 * 60_000) return;
    this.lastCleanup = Date.now();
    const schema = `"${this.opts.schema}"`;
    await client.query(
      `DELETE FROM ${schema}.outbox WHERE id IN (
         SELECT id FROM ${schema}.outbox WHERE published_at IS NOT NULL AND published_at < now() - $1::interval ORDER BY id LIMIT 10000)`,
      [`${Math.floor(retain / 1000)} seconds`],
    );
  }

  /** Waits for a notification, a stop, or the timeout. */
  private idle(ms: number): Promise<void> {
    if (!this.running || this.signalled) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        this.signalled = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async closeSession(): Promise<void> {
    const client = this.client;
    this.client = null;
    // Ending the session releases the advisory lock, so a standby takes over at once.
    await client?.end().catch(() => undefined);
    if (!this.running && this.producer) {
      const p = this.producer;
      this.producer = null;
      await p.disconnect().catch(() => undefined);
    }
  }
}
