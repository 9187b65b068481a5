import { Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { CouponClaimed, OrderCancelled, OrderProcessed, OrderingEventTypes, Topics, WalletEventTypes } from '@coupons/contracts';
import { Subscription } from 'rxjs';
import { ObservedEvent, OutcomeListener } from '../messaging/outcome-listener';
import { NotificationHistory } from './notification-history';

/** A push to one user's terminal. `id` is the event's position, `<topic>:<partition>:<offset>`. */
export interface Notification {
  id: string;
  event: 'coupon.claimed' | 'order.processed' | 'order.cancelled';
  data: Record<string, unknown>;
}

/** Notifications kept per user for Last-Event-ID replay, and how many users are kept (least recently active dropped). */
export const RING_SIZE = 100;
export const MAX_USERS = 50_000;

type Listener = (n: Notification) => void;

/** Which events are pushed, to whom, and with what data (DESIGN §4). */
export function toNotification(e: ObservedEvent): { userId: string; notification: Notification } | null {
  const id = `${e.topic}:${e.partition}:${e.offset}`;
  const p = e.envelope.payload;
  if (e.topic === Topics.walletEvents && e.envelope.type === WalletEventTypes.couponClaimed) {
    const c = p as CouponClaimed;
    return { userId: c.userId, notification: { id, event: 'coupon.claimed', data: { claimId: c.claimId, couponId: c.couponId, title: c.title } } };
  }
  if (e.topic === Topics.orderingEvents && e.envelope.type === OrderingEventTypes.orderProcessed) {
    const o = p as OrderProcessed;
    const applied = o.appliedCoupon ? { claimId: o.appliedCoupon.claimId, couponId: o.appliedCoupon.couponId, title: o.appliedCoupon.title } : null;
    return { userId: o.userId, notification: { id, event: 'order.processed', data: { orderId: o.orderId, total: o.total, discount: o.discount, appliedCoupon: applied } } };
  }
  if (e.topic === Topics.orderingEvents && e.envelope.type === OrderingEventTypes.orderCancelled) {
    const o = p as OrderCancelled;
    return { userId: o.userId, notification: { id, event: 'order.cancelled', data: { orderId: o.orderId } } };
  }
  return null;
}

function parseId(id: string): { tp: string; offset: bigint } | null {
  const m = /^(.+):(\d+):(\d+)$/.exec(id);
  return m ? { tp: `${m[1]}:${m[2]}`, offset: BigInt(m[3]) } : null;
}

/**
 * Fans the outcome listener's events out to the users they concern, and keeps the last RING_SIZE notifications of
 * each user so a terminal reconnecting with Last-Event-ID gets what it missed. Every gateway instance consumes every
 * event, so whichever instance a terminal reconnects to has the same notifications (from its own start on).
 */
@Injectable()
export class NotificationHub implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(NotificationHub.name);
  private readonly rings = new Map<string, Notification[]>();
  /** Envelope ids of the events each user was last pushed (as many as the ring keeps). */
  private readonly eventIds = new Map<string, string[]>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private subscription?: Subscription;
  /** Live events that arrive while the recent past is read are held back, so each ring stays in order. */
  private held: ObservedEvent[] | null = null;
  private historyRead: Promise<void> = Promise.resolve();

  constructor(private readonly outcomes: OutcomeListener, @Optional() private readonly history?: NotificationHistory) {}

  onModuleInit(): void {
    if (this.history) {
      this.held = [];
      this.historyRead = this.readHistory(this.history);
    }
    this.subscription = this.outcomes.events.subscribe((e) => {
      if (this.held) this.held.push(e);
      else this.observe(e, 'live');
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Resolves once the recent past is in the rings (or `timeoutMs` passed), so a replay after a restart has it. */
  whenHistoryRead(timeoutMs: number): Promise<void> {
    return Promise.race([this.historyRead, new Promise<void>((r) => setTimeout(r, timeoutMs).unref())]);
  }

  /**
   * `past` events only fill the rings (terminals get them by replay, after their Last-Event-ID); `held` live events
   * are pushed even when the past already held them, as nobody got them yet (each stream drops ids it sent).
   */
  private observe(e: ObservedEvent, kind: 'live' | 'past' | 'held'): void {
    const n = toNotification(e);
    if (!n) return;
    const added = this.remember(n.userId, n.notification, e.envelope.eventId);
    if (kind === 'held' || (kind === 'live' && added)) this.listeners.get(n.userId)?.forEach((l) => l(n.notification));
  }

  /**
   * Once the outcome listener is positioned (so the history's ends are at or after where it started: overlap, never a
   * gap), the recent past goes into the rings in the order it happened, then the held live events.
   */
  private async readHistory(history: NotificationHistory): Promise<void> {
    try {
      for (const until = Date.now() + 60_000; !this.outcomes.isReady() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100).unref());
      const past = await history.read();
      past.sort((a, b) => a.envelope.occurredAt.localeCompare(b.envelope.occurredAt));
      past.forEach((e) => this.observe(e, 'past'));
      this.logger.log(`notifications of the recent past loaded: ${past.length} events`);
    } catch (err) {
      this.logger.warn(`cannot read the recent past of the notification topics: ${(err as Error).message}; streams replay from this start on`);
    } finally {
      const held = this.held ?? [];
      this.held = null;
      held.forEach((e) => this.observe(e, 'held'));
    }
  }

  publish(userId: string, n: Notification, eventId?: string): void {
    if (this.remember(userId, n, eventId)) this.listeners.get(userId)?.forEach((l) => l(n));
  }

  /**
   * Keeps the notification in the user's ring; false when it was there already: a redelivered event (same position),
   * or the same event written at a second position (`eventId`, its envelope id: an outbox relay that re-sends a
   * batch whose acknowledgement it lost writes it twice, as delivery is at-least-once), is pushed once.
   */
  private remember(userId: string, n: Notification, eventId?: string): boolean {
    const ring = this.rings.get(userId) ?? [];
    if (ring.some((x) => x.id === n.id)) return false;
    if (eventId) {
      const seen = this.eventIds.get(userId) ?? [];
      if (seen.includes(eventId)) return false;
      seen.push(eventId);
      if (seen.length > RING_SIZE) seen.shift();
      this.eventIds.set(userId, seen);
    }
    ring.push(n);
    if (ring.length > RING_SIZE) ring.shift();
    this.rings.delete(userId);
    this.rings.set(userId, ring);
    if (this.rings.size > MAX_USERS) {
      const oldest = this.rings.keys().next().value!;
      if (!this.listeners.has(oldest)) {
        this.rings.delete(oldest);
        this.eventIds.delete(oldest);
      }
    }
    return true;
  }

  /**
   * What a terminal that last saw `lastEventId` missed. A known id: everything after it. An id this instance doesn't
   * hold (too old, or from before it started): everything held, except what is provably older on the same partition.
   * Terminals should ignore ids they already have.
   */
  missedSince(userId: string, lastEventId: string | undefined): Notification[] {
    if (!lastEventId) return [];
    const ring = this.rings.get(userId) ?? [];
    const index = ring.findIndex((n) => n.id === lastEventId);
    if (index >= 0) return ring.slice(index + 1);
    const last = parseId(lastEventId);
    return ring.filter((n) => {
      const p = parseId(n.id);
      return !last || !p || p.tp !== last.tp || p.offset > last.offset;
    });
  }

  /** Calls `listener` with each new notification of the user until the returned function is called. */
  subscribe(userId: string, listener: Listener): () => void {
    const set = this.listeners.get(userId) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(userId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  connectionCount(): number {
    let n = 0;
    this.listeners.forEach((s) => (n += s.size));
    return n;
  }
}
