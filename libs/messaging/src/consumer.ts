import { DecodeResult, Envelope, Headers, Topics } from '@coupons/contracts';
import { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { IdempotentProducer } from './idempotent-producer';
import { headersToStrings } from './kafka';
import { ensureTopics } from './topic-provisioning';
import { HandlerOutcome, Outcome } from './outcome';
import { decodeWithUpcasters } from './upcasters';

/** Where a message came from, for handlers that need its position or raw headers. */
export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
}

export type MessageHandler = (envelope: Envelope<any>, ctx: MessageContext) => Promise<HandlerOutcome>;

/** A decoded, valid message of a batch, in partition order. */
export interface BatchMessage {
  envelope: Envelope<any>;
  ctx: MessageContext;
}

/**
 * Handles consecutive valid messages of ONE partition at once (typically in one database transaction: a group
 * commit). Returns the outcomes of a prefix of `messages`, in order, one per message it dealt with for good; the
 * runner commits the offset after the last of them. The messages after that prefix go, the first one alone, through
 * the per-message handler (`handle`, with its retries and dead letters), then batching resumes. So a batch handler
 * that meets anything it does not want to deal with in bulk (a message to wait for, a constraint race, a database
 * failure) returns the outcomes before it, or [] (throwing is the same as []); it never needs a retry of its own.
 * A `failed` outcome in the prefix is dead-lettered like one from `handle`; `retry` is not allowed there.
 */
export type BatchHandler = (messages: BatchMessage[]) => Promise<HandlerOutcome[]>;

export interface ConsumerLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ConsumerOptions {
  kafka: Kafka;
  /** Consumer group, used as given (no suffix): all instances of a service share it and split the partitions. */
  groupId: string;
  topics: string[];
  handle: MessageHandler;
  /**
   * Optional: handles runs of consecutive valid messages of a partition at once (see BatchHandler); `handle` still
   * deals with whatever the batch handler leaves.
   */
  handleBatch?: BatchHandler;
  /** Most messages given to handleBatch at once. Default 200. */
  maxBatchSize?: number;
  /** Producer for dead letters; the runner makes its own when not given. */
  deadLetterProducer?: IdempotentProducer;
  /** Where a new group starts. Default true: a projection must see every event. */
  fromBeginning?: boolean;
  /** Partitions handled at once (each one still strictly in order). Default 1. */
  partitionsConsumedConcurrently?: number;
  /** Backoff between retries of a retryable failure. Default 100 ms doubling up to 10 s. */
  retry?: { initialMs?: number; maxMs?: number };
  /** Partitions for topics the runner has to create. Default 3. */
  numPartitions?: number;
  /** Decoding and validation of a message value. Default contracts decodeMessage after the project's upcasters. */
  decode?: (value: Buffer | null) => DecodeResult;
  logger?: ConsumerLogger;
  /** Runs the handling of one message inside a logging context (service-kit withLogContext). */
  runInContext?: <T>(fields: Record<string, unknown>, fn: () => T) => T;
  /** Called once per message with its outcome (metrics: messages_consumed_total{topic,outcome}). */
  onOutcome?: (topic: string, outcome: string) => void;
  sessionTimeout?: number;
  /** Fetch tuning; see {@link FetchTuning}. Default: kafkajs's (answer as soon as there is a byte, wait at most 5 s). */
  fetch?: FetchTuning;
}

/**
 * How full a fetch the broker waits for (up to `maxWaitMs`) before answering. For a fold nobody waits on, a fuller fetch
 * means longer runs per transaction: fewer statements, commits and offset commits per event.
 */
export interface FetchTuning {
  minBytes: number;
  maxWaitMs: number;
}

const silent: ConsumerLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A kafkajs consumer with the guarantees the services rely on:
 * - every message is decoded and validated; an invalid one is dead-lettered (dead-letter.v1, with the reason and its
 *   source position in x-dlq-* headers, original key and value) and the partition moves on;
 * - the handler returns an explicit outcome: done / duplicate / ignored commit; failed (final) is dead-lettered, then
 *   committed; retry is retried with backoff, heartbeating, never skipped and without advancing the partition;
 * - the offset is committed after the handler returned, i.e. after its transaction committed (at-least-once; handlers
 *   are idempotent: command outcomes, fold positions or processed ids).
 *
 * Why not @nestjs/microservices' ServerKafka for these: it auto-commits, and only lets a handler stall a partition by
 * throwing KafkaRetriableException, which it then re-seeks without backoff; outcomes, dead letters and commit-after-
 * transaction are cleaner on kafkajs directly. ServerKafka is still used for request/reply queries.
 */
export class KafkaConsumerRunner {
  private consumer: Consumer | null = null;
  private ownProducer: IdempotentProducer | null = null;
  private stopping = false;
  private readonly logger: ConsumerLogger;

  constructor(private readonly opts: ConsumerOptions) {
    this.logger = opts.logger ?? silent;
  }

  get groupId(): string {
    return this.opts.groupId;
  }

  async start(): Promise<void> {
    const { kafka } = this.opts;
    await ensureTopics(kafka, [...this.opts.topics, Topics.deadLetter], this.opts.numPartitions ?? 3);
    if (!this.opts.deadLetterProducer) {
      this.ownProducer = new IdempotentProducer(kafka);
      await this.ownProducer.connect();
    }
    await this.startConsumer();
  }

  /**
   * kafkajs restarts a crashed consumer only when it deems the error retriable; a broker that goes away and comes back
   * (restart, failover) can crash it for good with a non-retriable connection error, leaving the group without this
   * member for ever. The runner then starts a fresh consumer itself, with backoff, until it is stopped.
   */
  private async startConsumer(): Promise<void> {
    const { kafka } = this.opts;
    const consumer = kafka.consumer({
      groupId: this.opts.groupId,
      sessionTimeout: this.opts.sessionTimeout ?? 30_000,
      allowAutoTopicCreation: false,
      ...(this.opts.fetch ? { minBytes: this.opts.fetch.minBytes, maxWaitTimeInMs: this.opts.fetch.maxWaitMs } : {}),
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload as { error: Error; restart: boolean };
      if (this.stopping || this.consumer !== consumer) return;
      if (restart) {
        this.logger.warn({ err: error, groupId: this.opts.groupId }, 'consumer crashed; kafkajs restarts it');
        return;
      }
      this.logger.error({ err: error, groupId: this.opts.groupId }, 'consumer crashed for good; starting a new one');
      void this.replaceConsumer(consumer);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.opts.topics, fromBeginning: this.opts.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const alive = () => !this.stopping && isRunning() && !isStale();
        const settle = async (message: KafkaMessage) => {
          resolveOffset(message.offset);
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(message.offset) + 1n).toString() }]);
          await heartbeat();
        };
        const messages = batch.messages;
        // Each message decoded once, whichever path (run or single) ends up handling it.
        const decodedAt: DecodeResult[] = [];
        const decode = (i: number) => (decodedAt[i] ??= (this.opts.decode ?? decodeWithUpcasters)(messages[i].value));
        for (let i = 0; i < messages.length; ) {
          if (!alive()) return;
          if (this.opts.handleBatch) {
            const settled = await this.processRun(batch.topic, batch.partition, messages, i, decode, heartbeat, alive);
            if (settled === null) return;
            if (settled > 0) {
              i += settled;
              await settle(messages[i - 1]);
              continue;
            }
          }
          const handled = await this.process(batch.topic, batch.partition, messages[i], decode(i), heartbeat, alive);
          if (!handled) return; // stopping or lost the partition while retrying: the message will be redelivered
          await settle(messages[i]);
          i++;
        }
      },
    });
  }

  /**
   * Gives the run of valid messages starting at `from` to the batch handler; dead-letters the failed ones it reports.
   * Returns how many messages are dealt with for good (0: let `process` take the first one), or null to let go.
   */
  private async processRun(
    topic: string, partition: number, messages: KafkaMessage[], from: number, decode: (i: number) => DecodeResult,
    heartbeat: () => Promise<void>, alive: () => boolean,
  ): Promise<number | null> {
    const max = this.opts.maxBatchSize ?? 200;
    const run: Array<BatchMessage & { message: KafkaMessage }> = [];
    for (let i = from; i < messages.length && run.length < max; i++) {
      const message = messages[i];
      const decoded = decode(i);
      if (!decoded.ok) break; // dead-lettered by process(), in its turn
      const ctx: MessageContext = { topic, partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, headers: headersToStrings(message.headers) };
      run.push({ envelope: decoded.envelope, ctx, message });
    }
    // One message gains nothing from the bulk path; the single path also keeps its log context.
    if (run.length < 2) return 0;
    let outcomes: HandlerOutcome[];
    try {
      outcomes = await this.opts.handleBatch!(run.map(({ envelope, ctx }) => ({ envelope, ctx })));
    } catch (err) {
      this.logger.warn({ err, topic, partition, size: run.length }, 'batch handler failed: handling the messages one by one');
      return 0;
    }
    let settled = 0;
    for (const outcome of outcomes.slice(0, run.length)) {
      const { ctx, message, envelope } = run[settled];
      if (outcome.status === 'retry') break;
      if (outcome.status === 'failed') {
        const fields = { correlationId: envelope.correlationId, eventId: envelope.eventId, type: envelope.type, topic, partition, offset: message.offset };
        const ok = await this.inContext(fields, () => {
          this.logger.error({ err: outcome.error }, 'message failed for good: dead-lettering it');
          return this.deadLetterWithRetry(ctx, message, outcome.error.message || String(outcome.error), 'failed', heartbeat, alive);
        });
        if (!ok) return settled > 0 ? settled : null;
      } else {
        this.opts.onOutcome?.(topic, outcome.status);
      }
      settled++;
    }
    this.logger.debug({ topic, partition, size: run.length, settled }, 'batch handled');
    return settled;
  }

  private async replaceConsumer(crashed: Consumer): Promise<void> {
    await crashed.disconnect().catch(() => undefined);
    for (let attempt = 0; !this.stopping && this.consumer === crashed; attempt++) {
      await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5))));
      if (this.stopping || this.consumer !== crashed) return;
      try {
        await this.startConsumer();
        this.logger.info({ groupId: this.opts.groupId, attempt: attempt + 1 }, 'consumer started again');
        return;
      } catch (err) {
        const failed = this.consumer;
        this.logger.warn({ err, groupId: this.opts.groupId, attempt: attempt + 1 }, 'could not start the consumer again; retrying');
        await failed?.disconnect().catch(() => undefined);
        this.consumer = crashed;
      }
    }
  }

  /** Stops after the message in hand (a message being retried is abandoned uncommitted, so it is redelivered). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = null;
    await this.ownProducer?.disconnect();
    this.ownProducer = null;
  }

  /** Runs `fn` in the logging context of one message (service-kit withLogContext), when the runner has one. */
  private inContext<T>(fields: Record<string, unknown>, fn: () => T): T {
    return this.opts.runInContext ? this.opts.runInContext(fields, fn) : fn();
  }

  /** Returns true once the message is dealt with for good (handled, or dead-lettered). */
  private async process(
    topic: string, partition: number, message: KafkaMessage, decoded: DecodeResult, heartbeat: () => Promise<void>, alive: () => boolean,
  ): Promise<boolean> {
    const headers = headersToStrings(message.headers);
    const ctx: MessageContext = { topic, partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, headers };
    const fields = {
      correlationId: decoded.ok ? decoded.envelope.correlationId : headers[Headers.correlationId],
      eventId: decoded.ok ? decoded.envelope.eventId : undefined,
      type: decoded.ok ? decoded.envelope.type : headers[Headers.type],
      topic,
      partition,
      offset: message.offset,
    };
    return this.inContext(fields, async () => {
      if (!decoded.ok) {
        this.logger.warn({ reason: decoded.reason }, 'invalid message: dead-lettering it');
        return this.deadLetterWithRetry(ctx, message, `invalid message: ${decoded.reason}`, 'invalid', heartbeat, alive);
      }
      const backoff = { initial: this.opts.retry?.initialMs ?? 100, max: this.opts.retry?.maxMs ?? 10_000 };
      for (let attempt = 0; ; attempt++) {
        let outcome: HandlerOutcome;
        try {
          outcome = await this.opts.handle(decoded.envelope, ctx);
        } catch (err) {
          outcome = Outcome.fromError(err);
        }
        switch (outcome.status) {
          case 'done':
          case 'duplicate':
          case 'ignored':
            this.logger.debug({ outcome: outcome.status }, 'message handled');
            this.opts.onOutcome?.(topic, outcome.status);
            return true;
          case 'failed':
            this.logger.error({ err: outcome.error }, 'message failed for good: dead-lettering it');
            return this.deadLetterWithRetry(ctx, message, outcome.error.message || String(outcome.error), 'failed', heartbeat, alive);
          case 'retry': {
            const delay = Math.min(backoff.max, backoff.initial * 2 ** Math.min(attempt, 20));
            this.logger.warn({ err: outcome.error, attempt: attempt + 1, delayMs: delay }, 'transient failure: retrying the message');
            this.opts.onOutcome?.(topic, 'retry');
            if (!(await this.pause(delay, heartbeat, alive))) return false;
          }
        }
      }
    });
  }

  private async deadLetterWithRetry(ctx: MessageContext, message: KafkaMessage, reason: string, outcome: string, heartbeat: () => Promise<void>, alive: () => boolean): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.deadLetter(ctx, message, reason);
        this.opts.onOutcome?.(ctx.topic, outcome);
        return true;
      } catch (err) {
        // Without its dead letter the message must not be skipped: keep the partition where it is and try again.
        this.logger.error({ err, attempt: attempt + 1 }, 'could not publish the dead letter; retrying');
        if (!(await this.pause(Math.min(10_000, 200 * 2 ** Math.min(attempt, 10)), heartbeat, alive))) return false;
      }
    }
  }

  private async deadLetter(ctx: MessageContext, message: KafkaMessage, reason: string): Promise<void> {
    const producer = this.opts.deadLetterProducer ?? this.ownProducer!;
    const headers: IHeaders = {
      ...ctx.headers,
      [Headers.error]: reason.slice(0, 4000),
      [Headers.sourceTopic]: ctx.topic,
      [Headers.sourcePartition]: String(ctx.partition),
      [Headers.sourceOffset]: ctx.offset,
    };
    await producer.send({ topic: Topics.deadLetter, acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
  }

  /** Sleeps in short steps, heartbeating so the group keeps the partition; false when the runner should let go. */
  private async pause(ms: number, heartbeat: () => Promise<void>, alive: () => boolean): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!alive()) return false;
      await new Promise((r) => setTimeout(r, Math.min(500, until - Date.now())));
      await heartbeat().catch(() => undefined);
    }
    return alive();
  }
}
