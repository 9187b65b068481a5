import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Envelope, Topics, decodeMessage } from '@coupons/contracts';
import { randomBytes } from 'node:crypto';
import { Consumer, Kafka } from 'kafkajs';
import { Observable, Subject } from 'rxjs';
import { GatewayEnv } from '../config/gateway.env';
import { KAFKA } from './kafka';

/** An event as the gateway saw it, with its position (the SSE event id is `<topic>:<partition>:<offset>`). */
export interface ObservedEvent {
  envelope: Envelope<any>;
  topic: string;
  partition: number;
  offset: string;
}

/** Outcome-event topics: every instance reads all of them. */
export const OUTCOME_TOPICS = [Topics.catalogEvents, Topics.walletEvents, Topics.orderingEvents];

/** Outcomes kept after they resolved (or arrived with nobody waiting), for a repeated request on this instance. */
const RECENT_OUTCOMES = 10_000;

type Waiter = (event: ObservedEvent | null) => void;

/**
 * The gateway's single outcome consumer. It reads catalog/wallet/ordering events with a consumer group of its own
 * (`scan-gateway-<instance>-<random>`), so every instance sees every event, starting from the end of each partition.
 * It resolves waiting HTTP requests by the event's causationId (the command id) and hands every event to in-process
 * subscribers (the notification stream).
 *
 * No outcome is missed: a request registers its waiter before publishing its command, and the listener reports
 * ready only once it has joined its group, been assigned all partitions and pinned each one to a known position
 * (the partition's end at first join, the next unread offset after a rebalance).
 */
@Injectable()
export class OutcomeListener implements OnApplicationShutdown {
  private readonly logger = new Logger(OutcomeListener.name);
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly recent = new Map<string, ObservedEvent>();
  private readonly positions = new Map<string, string>();
  private readonly subject = new Subject<ObservedEvent>();
  private consumer: Consumer | null = null;
  private ready = false;
  private readyWaiters: Array<() => void> = [];
  private stopped = false;
  private lastError: string | null = null;
  readonly groupId: string;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka, env: GatewayEnv) {
    this.groupId = `scan-gateway-${env.INSTANCE_ID}-${randomBytes(4).toString('hex')}`;
  }

  /** Every decoded event, in partition order. */
  get events(): Observable<ObservedEvent> {
    return this.subject.asObservable();
  }

  isReady(): boolean {
    return this.ready;
  }

  /** Why the listener is not ready (for /health). */
  status(): string {
    return this.ready ? 'ok' : this.lastError ?? 'joining its consumer group';
  }

  /** Resolves once the listener is ready, or rejects after timeoutMs. */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w !== done);
        reject(new Error(`outcome listener not ready: ${this.status()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.readyWaiters.push(done);
    });
  }

  /** Starts consuming in the background, retrying until it succeeds or the app shuts down. */
  start(): void {
    void this.run();
  }

  private async run(): Promise<void> {
    let delay = 250;
    while (!this.stopped) {
      try {
        await this.connect();
        return;
      } catch (err) {
        this.lastError = `cannot consume outcome events: ${(err as Error).message}`;
        this.logger.warn(`${this.lastError}; retrying in ${delay} ms`);
        await this.consumer?.disconnect().catch(() => undefined);
        this.consumer = null;
        await new Promise((r) => setTimeout(r, delay).unref());
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  private async connect(): Promise<void> {
    // autoCommit off: the group is this process's alone and never resumed after a restart, and positions within
    // the process are tracked here (see onJoin), so committed offsets would only litter the broker.
    const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 200, retry: { retries: 10 } });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      // Snapshot the next unread offsets now: messages the new generation fetches before our seeks land would
      // otherwise move them past a gap.
      const known = new Map(this.positions);
      void this.onJoin(consumer, e.payload.memberAssignment, known).catch((err) => {
        this.lastError = `cannot position the outcome consumer: ${(err as Error).message}`;
        this.logger.error(this.lastError);
      });
    });
    consumer.on(consumer.events.REBALANCING, () => this.setReady(false));
    consumer.on(consumer.events.CRASH, (e) => {
      this.setReady(false);
      this.lastError = `outcome consumer crashed: ${e.payload.error?.message}`;
      this.logger.error(this.lastError);
      // kafkajs restarts by itself after retriable errors; otherwise start over with a fresh consumer.
      if (!e.payload.restart && !this.stopped) {
        void consumer.disconnect().catch(() => undefined).then(() => this.run());
      }
    });
    consumer.on(consumer.events.DISCONNECT, () => this.setReady(false));
    await consumer.connect();
    await consumer.subscribe({ topics: OUTCOME_TOPICS, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        this.positions.set(`${topic}:${partition}`, (BigInt(message.offset) + 1n).toString());
        const decoded = decodeMessage(message.value);
        if (!decoded.ok) {
          this.logger.warn(`ignoring an undecodable message at ${topic}:${partition}:${message.offset}: ${decoded.reason}`);
          return;
        }
        this.dispatch({ envelope: decoded.envelope, topic, partition, offset: message.offset });
      },
    });
  }

  private async onJoin(consumer: Consumer, assignment: Record<string, number[]>, known: Map<string, string>): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const [topic, partitions] of Object.entries(assignment)) {
        const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high ?? p.offset]));
        for (const partition of partitions) {
          const offset = known.get(`${topic}:${partition}`) ?? ends.get(partition) ?? '0';
          this.positions.set(`${topic}:${partition}`, offset);
          consumer.seek({ topic, partition, offset });
        }
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const assigned = new Set(Object.keys(assignment));
    if (OUTCOME_TOPICS.every((t) => assigned.has(t))) {
      this.lastError = null;
      this.setReady(true);
    } else {
      this.lastError = `assigned ${[...assigned].join(', ') || 'nothing'}, waiting for all of ${OUTCOME_TOPICS.join(', ')}`;
    }
  }

  private setReady(ready: boolean): void {
    this.ready = ready;
    if (ready) {
      const waiters = this.readyWaiters;
      this.readyWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  /** Resolves waiters and feeds subscribers; public so the dispatch logic can be tested without a broker. */
  dispatch(event: ObservedEvent): void {
    const causationId = event.envelope.causationId;
    if (causationId) {
      this.remember(causationId, event);
      const waiting = this.waiters.get(causationId);
      if (waiting) {
        this.waiters.delete(causationId);
        waiting.forEach((w) => w(event));
      }
    }
    try {
      this.subject.next(event);
    } catch (err) {
      this.logger.error(`an event subscriber failed: ${(err as Error).message}`);
    }
  }

  private remember(commandId: string, event: ObservedEvent): void {
    this.recent.delete(commandId);
    this.recent.set(commandId, event);
    if (this.recent.size > RECENT_OUTCOMES) this.recent.delete(this.recent.keys().next().value!);
  }

  /** An outcome this instance has already seen for the command, if any. */
  recentOutcome(commandId: string): ObservedEvent | undefined {
    return this.recent.get(commandId);
  }

  /**
   * Registers interest in the outcome of `commandId` BEFORE the command is published. `promise` resolves with the
   * outcome event, or null after timeoutMs; `cancel` drops the waiter and resolves null (e.g. when publishing failed).
   */
  expect(commandId: string, timeoutMs: number): { promise: Promise<ObservedEvent | null>; cancel: () => void } {
    let waiter!: Waiter;
    let timer: NodeJS.Timeout;
    const promise = new Promise<ObservedEvent | null>((resolve) => {
      waiter = (event) => {
        clearTimeout(timer);
        resolve(event);
      };
      timer = setTimeout(() => {
        this.unregister(commandId, waiter);
        resolve(null);
      }, timeoutMs);
    });
    const set = this.waiters.get(commandId) ?? new Set<Waiter>();
    set.add(waiter);
    this.waiters.set(commandId, set);
    const cancel = () => {
      this.unregister(commandId, waiter);
      waiter(null);
    };
    return { promise, cancel };
  }

  /** How many requests are waiting (for tests and metrics). */
  pendingCount(): number {
    let n = 0;
    this.waiters.forEach((s) => (n += s.size));
    return n;
  }

  private unregister(commandId: string, waiter: Waiter): void {
    const set = this.waiters.get(commandId);
    if (!set) return;
    set.delete(waiter);
    if (set.size === 0) this.waiters.delete(commandId);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.setReady(false);
    this.subject.complete();
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
