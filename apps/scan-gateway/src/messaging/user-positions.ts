import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { TopicPosition, Topics, WalletEventTypes } from '@coupons/contracts';
import { Subscription } from 'rxjs';
import { ObservedEvent, OutcomeListener } from './outcome-listener';

/** Users whose positions are kept (least recently active dropped first). */
const MAX_USERS = 100_000;

/**
 * Read-your-writes for orders: the latest wallet event (a claim) of each user, per partition, as this instance has
 * seen it. PlaceOrder carries them as `mustHaveSeen`, so ordering folds the user's acknowledged claims before
 * deciding, even when the order reaches it faster than the wallet events do.
 */
@Injectable()
export class UserPositions implements OnModuleInit, OnModuleDestroy {
  private readonly byUser = new Map<string, Map<number, string>>();
  private subscription?: Subscription;

  constructor(private readonly outcomes: OutcomeListener) {}

  onModuleInit(): void {
    this.subscription = this.outcomes.events.subscribe((e) => this.observe(e));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Records a wallet event of a user (also called with the outcome a claim request got). */
  observe(e: ObservedEvent): void {
    if (e.topic !== Topics.walletEvents || e.partition < 0 || e.envelope.type !== WalletEventTypes.couponClaimed) return;
    const userId = (e.envelope.payload as { userId?: unknown }).userId;
    if (typeof userId !== 'string') return;
    const partitions = this.byUser.get(userId) ?? new Map<number, string>();
    const known = partitions.get(e.partition);
    if (known === undefined || BigInt(e.offset) > BigInt(known)) partitions.set(e.partition, e.offset);
    this.byUser.delete(userId);
    this.byUser.set(userId, partitions);
    if (this.byUser.size > MAX_USERS) this.byUser.delete(this.byUser.keys().next().value!);
  }

  /** The wallet positions an order of this user must wait for (empty when none are known). */
  mustHaveSeen(userId: string): TopicPosition[] {
    const partitions = this.byUser.get(userId);
    if (!partitions) return [];
    return [...partitions.entries()].map(([partition, offset]) => ({ topic: Topics.walletEvents, partition, offset }));
  }
}
