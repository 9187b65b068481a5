import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Envelope, Topics } from '@coupons/contracts';
import { TailMessage, TailReader } from '@coupons/messaging';
import { Observable, Subject } from 'rxjs';

/** An event as the gateway saw it, with its position (the SSE event id is `<topic>:<partition>:<offset>`). */
export interface ObservedEvent {
  envelope: Envelope<unknown>;
  topic: string;
  partition: number;
  offset: string;
}

/** Outcome-event topics: every instance reads all of them. */
export const OUTCOME_TOPICS: readonly string[] = [Topics.catalogEvents, Topics.walletEvents, Topics.orderingEvents];

/** Outcomes kept after they resolved (or arrived with nobody waiting), for a repeated request on this instance. */
const RECENT_OUTCOMES = 10_000;

type Waiter = (event: ObservedEvent | null) => void;

/**
 * The gateway's outcome listener, on the process's tail reader: it takes the catalog/wallet/ordering events that
 * arrive after start-up (the reader's history of catalog and wallet events is the scan model's, not outcomes), resolves
 * waiting HTTP requests by the event's causationId (the command id) and hands every event to in-process subscribers
 * (the notification stream).
 *
 * No outcome is missed: a request registers its waiter before publishing its command, and the listener is ready only
 * once the reader has positioned every partition and handed out the history up to the ends it found at start-up.
 */
@Injectable()
export class OutcomeListener implements OnApplicationShutdown {
  private readonly logger = new Logger(OutcomeListener.name);
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly recent = new Map<string, ObservedEvent>();
  private readonly subject = new Subject<ObservedEvent>();

  constructor(private readonly reader: TailReader) {
    reader.subscribe((topic, partition, messages) => {
      if (OUTCOME_TOPICS.includes(topic)) this.onMessages(topic, partition, messages);
    });
  }

  /** Every decoded event, in partition order. */
  get events(): Observable<ObservedEvent> {
    return this.subject.asObservable();
  }

  isReady(): boolean {
    return this.reader.isCaughtUp();
  }

  /** Why the listener is not ready (for /health). */
  status(): string {
    return this.reader.status();
  }

  /** Resolves once the listener is ready, or rejects after timeoutMs. */
  async whenReady(timeoutMs: number): Promise<void> {
    if (!(await this.reader.whenCaughtUp(timeoutMs))) throw new Error(`outcome listener not ready: ${this.status()}`);
  }

  private onMessages(topic: string, partition: number, messages: TailMessage[]): void {
    for (const m of messages) {
      if (!m.live) continue;
      const decoded = m.decoded();
      if (!decoded.ok) {
        this.logger.warn(`ignoring an undecodable message at ${topic}:${partition}:${m.offset}: ${decoded.reason}`);
        continue;
      }
      this.dispatch({ envelope: decoded.envelope, topic, partition, offset: m.offset });
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

  onApplicationShutdown(): void {
    this.subject.complete();
  }
}
