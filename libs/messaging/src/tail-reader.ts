import { DecodeResult } from '@coupons/contracts';
import { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { retryWithBackoff } from './retry';
import { decodeWithUpcasters } from './upcasters';

/** Where a topic is read from the first time: all of it (a fold of the topic) or what comes after start-up. */
export type TailStart = 'beginning' | 'end';

export interface TailReaderOptions {
  kafka: Kafka;
  /** This process's own group (every instance reads everything); nothing is ever committed to it. */
  groupId: string;
  topics: Record<string, TailStart>;
  maxWaitTimeInMs?: number;
  maxBytesPerPartition?: number;
  log?: { warn(message: string): void; error(message: string): void };
  decode?: (value: Buffer | null) => DecodeResult;
}

/** One message as the reader hands it out: decoded on first ask, once for every subscriber. */
export interface TailMessage {
  topic: string;
  partition: number;
  offset: string;
  message: KafkaMessage;
  /** False while catching up on a 'beginning' topic: the message was there before this process started reading. */
  live: boolean;
  decoded(): DecodeResult;
}

/** The new messages of one fetched batch, in partition order. Subscribers are synchronous folds. */
export type TailBatchHandler = (topic: string, partition: number, messages: TailMessage[]) => void;

/**
 * A per-process reader of event topics, for in-memory folds and waiters (the gateway's outcome listener and scan read
 * model share one). It commits nothing: its group is this process's alone, and positions live here. At first start
 * each partition is positioned at its beginning or at its end as found then; after a rebalance or a crash it resumes
 * at the next offset it has not handed out, so subscribers see every message once and in order. The positions are
 * set while the group joins, before kafkajs fetches anything, and the reader is ready only then: an event produced
 * after `whenReady` is never missed. A consumer that kafkajs gives up on is replaced, with backoff, until stopped.
 */
export class TailReader {
  private readonly handlers = new Set<TailBatchHandler>();
  /** Next offset to hand out, per `topic:partition`. */
  private readonly positions = new Map<string, bigint>();
  /** Each partition's end when the reader first started; null until known. */
  private ends: Map<string, bigint> | null = null;
  /** Where each partition is read from when nothing of it was handed out yet (see TailStart). */
  private readonly starts = new Map<string, bigint>();
  private consumer: Consumer | null = null;
  private ready = false;
  private readonly readyWaiters: Array<() => void> = [];
  /** Every partition handed out up to its end at first start (latched: it stays true). */
  private caughtUp = false;
  private readonly caughtUpWaiters: Array<() => void> = [];
  private lastError: string | null = null;
  private stopped = false;

  constructor(private readonly opts: TailReaderOptions) {}

  get groupId(): string {
    return this.opts.groupId;
  }

  /** Adds a subscriber (before `start`, so it sees everything); returns its removal. */
  subscribe(handler: TailBatchHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  isReady(): boolean {
    return this.ready;
  }

  /** Ready, and the history of 'beginning' topics handed out (up to the ends found at first start). */
  isCaughtUp(): boolean {
    return this.ready && this.caughtUp;
  }

  /** Why the reader is not ready or not caught up (for /health). */
  status(): string {
    if (!this.ready) return this.lastError ?? 'joining its consumer group';
    if (!this.caughtUp) return `catching up (behind on ${this.behind().join(', ')})`;
    return 'ok';
  }

  /** Resolves true once ready (positioned), false after timeoutMs. */
  whenReady(timeoutMs?: number): Promise<boolean> {
    return this.waitUntil(() => this.ready, this.readyWaiters, timeoutMs);
  }

  /** Resolves true once caught up (see isCaughtUp), false after timeoutMs (none: no time limit). */
  whenCaughtUp(timeoutMs?: number): Promise<boolean> {
    return this.waitUntil(() => this.isCaughtUp(), this.caughtUpWaiters, timeoutMs);
  }

  private waitUntil(done: () => boolean, waiters: Array<() => void>, timeoutMs?: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        const i = waiters.indexOf(waiter);
        if (i >= 0) waiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      const waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
      waiters.push(waiter);
    });
  }

  private behind(): string[] {
    return [...(this.ends ?? [])].filter(([tp, end]) => (this.positions.get(tp) ?? this.starts.get(tp) ?? 0n) < end).map(([tp]) => tp);
  }

  /** Latches caughtUp once every partition is past its end at first start; wakes the waiters when also ready. */
  private checkCaughtUp(): void {
    if (!this.caughtUp && this.ends && this.behind().length === 0) this.caughtUp = true;
    if (this.isCaughtUp() && this.caughtUpWaiters.length) this.caughtUpWaiters.splice(0).forEach((w) => w());
  }

  /** The next offset the reader will hand out for a partition (0 before it read any). */
  position(topic: string, partition: number): bigint {
    return this.positions.get(`${topic}:${partition}`) ?? 0n;
  }

  /** Each partition's end at first start (`topic:partition` -> offset); null until the reader has looked them up. */
  startEnds(): ReadonlyMap<string, bigint> | null {
    return this.ends;
  }

  /** Starts reading in the background, retrying with backoff until connected or stopped. */
  start(): void {
    void this.run();
  }

  private run(): Promise<boolean> {
    return retryWithBackoff(() => this.connect(), {
      stopped: () => this.stopped,
      onFailure: (err, delay) => {
        this.lastError = `cannot read ${Object.keys(this.opts.topics).join(', ')}: ${(err as Error).message}`;
        this.opts.log?.warn(`${this.lastError}; retrying in ${delay} ms`);
        const c = this.consumer;
        this.consumer = null;
        void c?.disconnect().catch(() => undefined);
      },
    });
  }

  private async connect(): Promise<void> {
    const topics = Object.keys(this.opts.topics);
    // The starting points are looked up before joining, so that positioning during the join needs no I/O.
    const admin = this.opts.kafka.admin();
    await admin.connect();
    const starts = new Map<string, bigint>();
    const ends = new Map<string, bigint>();
    try {
      for (const topic of topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          const tp = `${topic}:${p.partition}`;
          ends.set(tp, BigInt(p.high ?? p.offset));
          starts.set(tp, this.opts.topics[topic] === 'end' ? BigInt(p.high ?? p.offset) : BigInt(p.low ?? '0'));
        }
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    // The first start's ends say what "live" means for good; a restart keeps them (and its positions).
    this.ends ??= ends;
    for (const [tp, offset] of starts) if (!this.starts.has(tp)) this.starts.set(tp, offset);

    const consumer = this.opts.kafka.consumer({
      groupId: this.opts.groupId,
      maxWaitTimeInMs: this.opts.maxWaitTimeInMs ?? 200,
      maxBytesPerPartition: this.opts.maxBytesPerPartition,
      retry: { retries: 10 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => this.seekAll(consumer, e.payload.memberAssignment));
    consumer.on(consumer.events.REBALANCING, () => this.setReady(false));
    consumer.on(consumer.events.DISCONNECT, () => this.setReady(false));
    consumer.on(consumer.events.CRASH, (e) => {
      if (this.consumer !== consumer) return;
      this.setReady(false);
      this.lastError = `the reader's consumer crashed: ${e.payload.error?.message}`;
      this.opts.log?.error(this.lastError);
      // kafkajs restarts by itself after retriable errors; otherwise start over with a fresh consumer.
      if (!e.payload.restart && !this.stopped) {
        this.consumer = null;
        void consumer.disconnect().catch(() => undefined).then(() => this.run());
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        this.deliver(batch.topic, batch.partition, batch.messages);
        await heartbeat();
      },
    });
  }

  /**
   * Runs inside the join, before kafkajs's first fetch of the new generation (seeks are applied then): every
   * assigned partition goes to the next offset not handed out yet, or to its starting point.
   */
  private seekAll(consumer: Consumer, assignment: Record<string, number[]>): void {
    try {
      for (const [topic, partitions] of Object.entries(assignment)) {
        for (const partition of partitions) {
          const tp = `${topic}:${partition}`;
          const at = this.positions.get(tp) ?? this.starts.get(tp);
          // A partition added since the look-up: its beginning, so nothing in it is missed.
          consumer.seek({ topic, partition, offset: at === undefined ? '-2' : at.toString() });
        }
      }
    } catch (err) {
      this.lastError = `cannot position the reader: ${(err as Error).message}`;
      this.opts.log?.error(this.lastError);
      return;
    }
    const assigned = new Set(Object.keys(assignment));
    const missing = Object.keys(this.opts.topics).filter((t) => !assigned.has(t));
    if (missing.length === 0) {
      this.lastError = null;
      this.setReady(true);
      this.checkCaughtUp();
    } else {
      this.lastError = `assigned ${[...assigned].join(', ') || 'nothing'}, waiting for ${missing.join(', ')}`;
    }
  }

  private deliver(topic: string, partition: number, messages: KafkaMessage[]): void {
    const tp = `${topic}:${partition}`;
    const next = this.positions.get(tp);
    const end = this.ends?.get(tp) ?? 0n;
    const decode = this.opts.decode ?? decodeWithUpcasters;
    const out: TailMessage[] = [];
    for (const message of messages) {
      const offset = BigInt(message.offset);
      // Already handed out (a batch fetched again around a rebalance): subscribers never step back.
      if (next !== undefined && offset < next) continue;
      let result: DecodeResult | undefined;
      out.push({ topic, partition, offset: message.offset, message, live: offset >= end, decoded: () => (result ??= decode(message.value)) });
    }
    if (!out.length) return;
    this.positions.set(tp, BigInt(out[out.length - 1].offset) + 1n);
    for (const handler of this.handlers) {
      try {
        handler(topic, partition, out);
      } catch (err) {
        this.opts.log?.error(`a subscriber of ${tp} failed: ${(err as Error).message}`);
      }
    }
    this.checkCaughtUp();
  }

  private setReady(ready: boolean): void {
    this.ready = ready;
    if (ready && this.readyWaiters.length) this.readyWaiters.splice(0).forEach((w) => w());
  }

  /** Stops reading; `start` is not meant to be called again. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.setReady(false);
    const c = this.consumer;
    this.consumer = null;
    await c?.disconnect().catch(() => undefined);
  }
}
