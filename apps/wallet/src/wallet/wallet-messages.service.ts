import { ChangeCouponStock, ClaimCoupon, CouponStockCommandTypes, Envelope, Topics, WalletCommandTypes } from '@coupons/contracts';
import { BatchMessage, CommandPipeline, HandlerOutcome, MessageConsumers } from '@coupons/messaging';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { SERVICE_NAME } from '../env';
import { ClaimRunState, RunCommand, lockClaimRun } from './claim-state';
import { claimRejected, decideClaim } from './decisions';
import { decideStockChange, stockChangeRejected } from './stock-change';
import { walletProjection } from './wallet.projection';

const isStockChange = (cmd: Envelope): cmd is Envelope<ChangeCouponStock> => cmd.type === CouponStockCommandTypes.changeCouponStock;

/** What the run's state reads for a command: a claim's coupon and user, a stock change's coupon alone. */
const runCommand = (cmd: Envelope): RunCommand => {
  if (isStockChange(cmd)) return { couponId: cmd.payload.couponId, userId: null, at: cmd.occurredAt };
  const { couponId, userId } = (cmd as Envelope<ClaimCoupon>).payload;
  return { couponId, userId, at: cmd.occurredAt };
};

/** Consumer group of the claim commands (the folds keep the group named after the service). */
export const WALLET_COMMANDS_GROUP = `${SERVICE_NAME}-commands`;

export interface ClaimTuning {
  /**
   * How long a claim for a coupon the wallet has not folded yet stays parked, waiting for its CouponCreated (still on
   * its way from the catalog), before it is refused COUPON_NOT_FOUND. Default 2 s: well inside the gateway's wait
   * (REQUEST_TIMEOUT_MS, 5 s), so an unknown coupon is a 404, not a 202.
   */
  unknownCouponGraceMs?: number;
  /** How often parked claims are looked at. Default 50 ms. */
  parkedSweepMs?: number;
}
export const CLAIM_TUNING = Symbol('CLAIM_TUNING');

/**
 * The constraints a concurrent decision can trip (lock bypassed, two instances; the claim's own key for a twin of the
 * same command): decide again.
 */
const RACE_CONSTRAINTS = ['claim_issue_seq_key', 'claim_user_seq_key', 'claim_day_issue_seq_key', 'claim_day_user_seq_key', 'claim_pkey'];

/**
 * The wallet's Kafka consumers, in two groups so that deciding claims never holds up the fold that brings their
 * coupons' definitions:
 * - `wallet`: catalog and ordering events folded into the projection (coupon definitions and status, redemptions);
 * - `wallet-commands`: ClaimCoupon and ChangeCouponStock commands (keyed by couponId: one serial writer per coupon, so
 *   a stock change is decided in order with the coupon's claims), through the decision pipeline. A claim for a coupon not folded yet is parked (with the claims of that coupon after it), so its
 *   partition goes on; the parked ones are decided once the coupon is known, or refused after the grace.
 * Each group's members all subscribe to the same topics (kafkajs's assigner assumes it).
 */
@Injectable()
export class WalletMessagesService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly claims: CommandPipeline<ClaimRunState>;
  private readonly sweepMs: number;
  private sweeper: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    consumers: MessageConsumers,
    @Optional() @Inject(CLAIM_TUNING) tuning?: ClaimTuning,
    @Optional() private readonly logger?: PinoLogger,
  ) {
    this.sweepMs = tuning?.parkedSweepMs ?? 50;
    this.claims = new CommandPipeline<ClaimRunState>({
      name: 'wallet',
      dataSource,
      projection: walletProjection,
      raceConstraints: RACE_CONSTRAINTS,
      decider: {
        accepts: (type) => type === WalletCommandTypes.claimCoupon || type === CouponStockCommandTypes.changeCouponStock,
        readState: (em, commands) => lockClaimRun(em, commands.map(runCommand)),
        decide: (cmd, state, now) =>
          (isStockChange(cmd) ? decideStockChange(cmd, state, now) : decideClaim(cmd as Envelope<ClaimCoupon>, state, now)).then((e) => (e ? [e] : null)),
        parking: {
          keyOf: (cmd) => (cmd as Envelope<{ couponId: string }>).payload.couponId,
          graceMs: tuning?.unknownCouponGraceMs ?? 2_000,
          expired: (cmd, now) => {
            const couponId = (cmd as Envelope<{ couponId: string }>).payload.couponId;
            if (isStockChange(cmd)) return [stockChangeRejected(cmd, 'COUPON_NOT_FOUND', `no coupon ${couponId}`, now)];
            return [claimRejected(cmd as Envelope<ClaimCoupon>, 'COUPON_NOT_FOUND', `no coupon ${couponId}`, now)];
          },
        },
      },
    });
    consumers.register({
      groupId: SERVICE_NAME,
      topics: [Topics.catalogEvents, Topics.orderingEvents],
      handle: (env, ctx) => this.fold([{ envelope: env, ctx }]).then((r) => r[0]),
      handleBatch: (messages) => this.fold(messages),
      partitionsConsumedConcurrently: 3,
    });
    consumers.register({ groupId: WALLET_COMMANDS_GROUP, topics: [Topics.walletCommands], ...this.claims.handlers(), partitionsConsumedConcurrently: 3 });
  }

  /** A run of catalog/ordering events of one partition folded in one transaction, deduped by offsets. */
  fold(messages: ReadonlyArray<Pick<BatchMessage, 'envelope'> & { ctx: Pick<BatchMessage['ctx'], 'topic' | 'partition' | 'offset'> }>): Promise<HandlerOutcome[]> {
    const { topic, partition } = messages[0].ctx;
    return walletProjection.consume(this.dataSource, topic, partition, messages.map((m) => ({ envelope: m.envelope, offset: m.ctx.offset })));
  }

  /** Parked claims are swept for the service's lifetime, one sweep at a time. */
  onApplicationBootstrap(): void {
    const tick = () => {
      if (this.stopped) return;
      this.sweeping = this.claims.decideParked().then(
        // More parked than one sweep takes: the next sweep at once.
        (n) => {
          if (!this.stopped) this.sweeper = setTimeout(tick, n > 0 ? 0 : this.sweepMs);
        },
        (err) => {
          this.logger?.warn({ err }, 'deciding parked claims failed; trying again');
          if (!this.stopped) this.sweeper = setTimeout(tick, this.sweepMs * 10);
        },
      );
    };
    this.sweeper = setTimeout(tick, this.sweepMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearTimeout(this.sweeper);
    this.sweeper = null;
    await this.sweeping.catch(() => undefined);
  }
}
