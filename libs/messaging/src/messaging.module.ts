import {
  BeforeApplicationShutdown, DynamicModule, Global, Inject, Injectable, Module, OnApplicationBootstrap, Optional,
} from '@nestjs/common';
import { MetricsService, withLogContext } from '@coupons/service-kit';
import { Kafka, KafkaConfig } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { BatchHandler, FetchTuning, KafkaConsumerRunner, MessageHandler } from './consumer';
import { IdempotentProducer } from './idempotent-producer';
import { createKafka } from './kafka';
import { OutboxRelay } from './outbox-relay';

export interface MessagingOptions {
  serviceName: string;
  brokers: string[];
  /** Distinguishes this process's Kafka client ids. */
  instanceId: string;
  /** The service's database schema (the relay publishes that schema's outbox); absent for a service without a
   *  database (the gateway): no outbox relay then. */
  schema?: string;
  /** kafkajs client settings over createKafka's defaults (the gateway's shorter timeouts and its log routing). */
  kafka?: Partial<KafkaConfig>;
  /** Partitions for topics this service creates. Default 3. */
  numPartitions?: number;
  /** Relay tuning (tests use short intervals). */
  relay?: { batchSize?: number; pollIntervalMs?: number; standbyIntervalMs?: number; enabled?: boolean };
  /** Consumer retry backoff. */
  retry?: { initialMs?: number; maxMs?: number };
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
export const KAFKA = Symbol('KAFKA');

export interface ConsumerRegistration {
  /** Used as the consumer group id, unchanged. */
  groupId: string;
  topics: string[];
  handle: MessageHandler;
  /** Bulk path for runs of messages of one partition (see BatchHandler); `handle` deals with what it leaves. */
  handleBatch?: BatchHandler;
  partitionsConsumedConcurrently?: number;
  fetch?: FetchTuning;
}

type Log = { debug(o: object, m?: string): void; info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };

/**
 * The service's Kafka consumers. Feature modules register theirs (usually in their constructor or onModuleInit);
 * all start once the application has bootstrapped (after migrations) and stop on shutdown, before the relay.
 */
@Injectable()
export class MessageConsumers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly registrations: ConsumerRegistration[] = [];
  private readonly runners: KafkaConsumerRunner[] = [];
  private dlqProducer: IdempotentProducer | null = null;
  private started = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly opts: MessagingOptions,
    @Optional() private readonly pino?: PinoLogger,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    this.pino?.setContext('MessageConsumers');
  }

  register(reg: ConsumerRegistration): void {
    if (this.started) throw new Error('register consumers before the application bootstraps');
    this.registrations.push(reg);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.started = true;
    if (this.registrations.length === 0) return;
    const dlqProducer = new IdempotentProducer(this.kafka);
    this.dlqProducer = dlqProducer;
    await dlqProducer.connect();
    const counter = this.metrics?.messagesConsumed();
    const logger: Log | undefined = this.pino;
    // Every group joins at once: after a crash a join waits for the dead member's session to expire, and one group
    // after the other made a restarted service wait that long once per group before it answered /health.
    const runners = this.registrations.map((reg) => new KafkaConsumerRunner({
      kafka: this.kafka,
      groupId: reg.groupId,
      topics: reg.topics,
      handle: reg.handle,
      handleBatch: reg.handleBatch,
      deadLetterProducer: dlqProducer,
      partitionsConsumedConcurrently: reg.partitionsConsumedConcurrently,
      fetch: reg.fetch,
      numPartitions: this.opts.numPartitions,
      retry: this.opts.retry,
      logger,
      runInContext: this.pino ? (fields, fn) => withLogContext(this.pino!, fields as never, fn) : undefined,
      onOutcome: counter ? (topic, outcome) => counter.inc({ topic, outcome }) : undefined,
    }));
    this.runners.push(...runners);
    await Promise.all(runners.map((runner) => runner.start()));
  }

  /**
   * Before (not on) application shutdown: TypeORM closes the DataSource in onApplicationShutdown, and a handler
   * still running must be able to finish its transaction first.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
    this.runners.length = 0;
    await this.dlqProducer?.disconnect();
    this.dlqProducer = null;
  }
}

/** Runs the service's OutboxRelay for the application's lifetime. */
@Injectable()
export class OutboxRelayHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly relay: OutboxRelay;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly opts: MessagingOptions,
    dataSource: DataSource,
    @Optional() pino?: PinoLogger,
    @Optional() metrics?: MetricsService,
  ) {
    const published = metrics?.counter('outbox_published_total', 'Outbox rows published to Kafka');
    const o = dataSource.options as { url?: string; host?: string; port?: number; username?: string; password?: string; database?: string };
    if (!opts.schema) throw new Error('the outbox relay needs MessagingOptions.schema');
    this.relay = new OutboxRelay({
      database: o.url ? { connectionString: o.url } : { host: o.host, port: o.port, user: o.username, password: o.password, database: o.database },
      schema: opts.schema,
      kafka,
      batchSize: opts.relay?.batchSize,
      pollIntervalMs: opts.relay?.pollIntervalMs,
      standbyIntervalMs: opts.relay?.standbyIntervalMs,
      numPartitions: opts.numPartitions,
      logger: pino,
      onPublished: published ? (n) => published.inc(n) : undefined,
    });
  }

  onApplicationBootstrap(): void {
    if (this.opts.relay?.enabled !== false) this.relay.start();
  }

  /** Stops after the batch in flight is sent and marked, before TypeORM closes the DataSource. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}

/**
 * Kafka plumbing for a service: a kafkajs client, the outbox relay and the consumer host. With a `schema` it needs the
 * TypeORM DataSource (TypeOrmModule) in the application; without one (the gateway) it is the client and the consumer
 * host only. PinoLogger and MetricsService are used when present.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(opts: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: opts },
        { provide: KAFKA, useFactory: () => createKafka(opts.brokers, `${opts.serviceName}-${opts.instanceId}`, opts.kafka) },
        MessageConsumers,
        ...(opts.schema ? [OutboxRelayHost] : []),
      ],
      exports: [MESSAGING_OPTIONS, KAFKA, MessageConsumers, ...(opts.schema ? [OutboxRelayHost] : [])],
    };
  }
}
