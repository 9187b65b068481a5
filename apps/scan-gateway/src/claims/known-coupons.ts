import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Topics } from '@coupons/contracts';
import { Admin, Kafka } from 'kafkajs';
import { GatewayEnv } from '../config/gateway.env';
import { KAFKA } from '../messaging/kafka';
import { ScanReadModel } from '../scans/scan-read-model';

/** The most a claim for an id the read model has not seen waits for it to catch up before it is refused. */
const CATCH_UP_MS = 1500;

/**
 * Answers "could this coupon exist?" for a claim, from the scan read model (a fold of catalog.events), so that claims
 * of random ids are refused here instead of reaching the wallet's partitions. Read-your-writes: an id not folded yet
 * may be a coupon created a moment ago through any gateway instance, so before refusing, the model catches up to the
 * topic's current end. Whenever it can't tell (model not ready, broker unreachable, catch-up too slow), the claim goes
 * on to the wallet, which decides as before.
 */
@Injectable()
export class KnownCoupons implements OnApplicationShutdown {
  private readonly logger = new Logger(KnownCoupons.name);
  private admin: Promise<Admin> | null = null;
  /** One end-offset lookup at a time; callers arriving during one share the next (whose ends are at least as new). */
  private inFlight: Promise<Map<number, bigint>> | null = null;
  private queued: Promise<Map<number, bigint>> | null = null;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka, private readonly model: ScanReadModel, private readonly env: GatewayEnv) {}

  /** False only when the catalog has provably never created `couponId` (folded up to the end of catalog.events). */
  async mayExist(couponId: string): Promise<boolean> {
    if (!this.model.isReady() || this.model.hasEverSeenCoupon(couponId)) return true;
    try {
      const ends = await this.catalogEnds();
      const timeout = Math.min(CATCH_UP_MS, this.env.REQUEST_TIMEOUT_MS);
      const caughtUp = await Promise.all(
        [...ends].filter(([, end]) => end > 0n).map(([partition, end]) => this.model.waitFor(Topics.catalogEvents, partition, String(end - 1n), timeout)),
      );
      if (!caughtUp.every(Boolean)) return true;
    } catch (err) {
      this.logger.warn(`cannot check coupon ${couponId} against the catalog's end: ${(err as Error).message}`);
      return true;
    }
    return this.model.hasEverSeenCoupon(couponId);
  }

  private catalogEnds(): Promise<Map<number, bigint>> {
    if (!this.inFlight) {
      this.inFlight = this.fetchEnds().finally(() => (this.inFlight = null));
      return this.inFlight;
    }
    this.queued ??= this.inFlight.catch(() => undefined).then(() => {
      this.queued = null;
      return this.catalogEnds();
    });
    return this.queued;
  }

  private async fetchEnds(): Promise<Map<number, bigint>> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    try {
      const offsets = await (await this.admin).fetchTopicOffsets(Topics.catalogEvents);
      return new Map(offsets.map((p) => [p.partition, BigInt(p.high ?? p.offset)]));
    } catch (err) {
      const admin = this.admin;
      this.admin = null;
      void admin.then((a) => a.disconnect()).catch(() => undefined);
      throw err;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }
}
