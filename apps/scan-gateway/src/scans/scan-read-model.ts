import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { CouponStockChanged, CouponStockEventTypes, Topics, WalletEventTypes } from '@coupons/contracts';
import { CatalogEvent, ScanModel } from '@coupons/coupon-rules';
import { TailMessage, TailReader } from '@coupons/messaging';

/** The topics the scan answer is a fold of: catalog facts, and claims and stock changes for the remaining stock. */
export const SCAN_MODEL_TOPICS: readonly string[] = [Topics.catalogEvents, Topics.walletEvents];

type Waiter = { topic: string; partition: number; offset: bigint; resolve: (ok: boolean) => void; timer: NodeJS.Timeout };

/**
 * Keeps a {@link ScanModel} (the shared scan engine) folded from catalog.events.v1 and wallet.events.v1, from offset 0, in this gateway
 * process, so a scan is answered without a Kafka round trip to the catalog. It reads through the process's tail reader
 * (the consumer it shares with the outcome listener). Ready once the reader has handed out every partition up to the
 * end it found at start-up; `waitFor` lets a merchant's write wait until the event that answered it is folded here too
 * (read-your-writes on this instance).
 */
@Injectable()
export class ScanReadModel implements OnApplicationShutdown {
  private readonly logger = new Logger(ScanReadModel.name);
  readonly model = new ScanModel();
  /** Next offset to fold, per `topic:partition`. */
  private readonly positions = new Map<string, bigint>();
  private ready = false;
  private waiters: Waiter[] = [];

  constructor(private readonly reader: TailReader) {
    reader.subscribe((topic, partition, messages) => {
      if (SCAN_MODEL_TOPICS.includes(topic)) this.onMessages(topic, partition, messages);
    });
    void reader.whenCaughtUp().then((caughtUp) => {
      if (!caughtUp || this.ready) return;
      this.ready = true;
      const c = this.model.counts();
      this.logger.log(`scan read model ready: ${c.stores} stores, ${c.products} products, ${c.coupons} coupons`);
    });
  }

  isReady(): boolean {
    return this.ready;
  }

  status(): string {
    return this.ready ? 'ok' : this.reader.status();
  }

  /** Resolves true once ready (false after timeoutMs). */
  async whenReady(timeoutMs: number): Promise<boolean> {
    return this.ready || this.reader.whenCaughtUp(timeoutMs);
  }

  /** Whether the catalog ever announced this coupon, as far as this instance has folded (see claims/known-coupons.ts). */
  hasEverSeenCoupon(couponId: string): boolean {
    return this.model.hasCoupon(couponId);
  }

  /** Resolves true once the event at `topic:partition:offset` is folded (false after timeoutMs). Unknown positions (< 0) resolve at once. */
  waitFor(topic: string, partition: number, offset: string, timeoutMs: number): Promise<boolean> {
    const at = BigInt(offset);
    if (partition < 0 || at < 0n || this.folded(topic, partition, at)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        topic, partition, offset: at, resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private folded(topic: string, partition: number, offset: bigint): boolean {
    return (this.positions.get(`${topic}:${partition}`) ?? 0n) > offset;
  }

  private onMessages(topic: string, partition: number, messages: TailMessage[]): void {
    for (const m of messages) this.fold(m);
    this.positions.set(`${topic}:${partition}`, BigInt(messages[messages.length - 1].offset) + 1n);
    if (this.waiters.length) {
      const still: Waiter[] = [];
      for (const w of this.waiters) {
        if (this.folded(w.topic, w.partition, w.offset)) {
          clearTimeout(w.timer);
          w.resolve(true);
        } else still.push(w);
      }
      this.waiters = still;
    }
  }

  private fold(m: TailMessage): void {
    if (!m.message.value) return;
    if (m.topic === Topics.walletEvents) {
      // Claims arrive at the claim rate. A live one is decoded anyway (the outcome listener's, shared); history is
      // read for the two fields used only, without the full payload validation.
      const env = m.live ? this.decodedOrNull(m) : quickClaim(m.message.value);
      const p = env?.payload as { couponId?: unknown; issuedCount?: unknown } | undefined;
      if (env?.type === WalletEventTypes.couponClaimed && typeof p?.couponId === 'string' && Number.isSafeInteger(p.issuedCount)) {
        this.model.applyIssued(p.couponId, p.issuedCount as number);
      } else if (env?.type === CouponStockEventTypes.couponStockChanged) {
        // Rare (a merchant's PATCH): validated in full, live or history, before its terms decide offers.
        const d = m.decoded();
        if (d.ok) {
          const t = d.envelope.payload as CouponStockChanged;
          this.model.applyStockTerms(t.couponId, t.totalQuantity, t.perUserLimit);
        }
      }
      return;
    }
    const decoded = m.decoded();
    if (!decoded.ok) {
      this.logger.warn(`ignoring an undecodable message at ${m.topic}:${m.partition}:${m.offset}: ${decoded.reason}`);
      return;
    }
    try {
      this.model.applyCatalog(decoded.envelope as CatalogEvent);
    } catch (err) {
      this.logger.error(`cannot fold ${decoded.envelope.type} ${decoded.envelope.eventId}: ${(err as Error).message}`);
    }
  }

  private decodedOrNull(m: TailMessage): { type?: unknown; payload?: unknown } | null {
    const d = m.decoded();
    return d.ok ? d.envelope : null; // not valid: the services dead-letter it; nothing to count here
  }

  onApplicationShutdown(): void {
    this.ready = false;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waiters = [];
  }
}

/** A wallet event's type and payload by JSON.parse alone (null when not JSON). */
function quickClaim(value: Buffer): { type?: unknown; payload?: unknown } | null {
  try {
    return JSON.parse(value.toString('utf8')) as { type?: unknown; payload?: unknown };
  } catch {
    return null;
  }
}
