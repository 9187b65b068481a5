import { ClaimCoupon, Envelope, Topics, WalletCommandTypes } from '@coupons/contracts';
import { HandlerOutcome, MessageConsumers, Outcome, appendToOutbox, handleOnce, isUniqueViolation } from '@coupons/messaging';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_NAME } from '../env';
import { claimStateOf } from './claim-state';
import { claimRejected, decideClaim } from './decisions';
import { WALLET_COMMANDS_CONSUMER, walletProjection } from './wallet.projection';

/** Consumer group of the claim commands (the folds keep the group named after the service). */
export const WALLET_COMMANDS_GROUP = `${SERVICE_NAME}-commands`;

export interface ClaimTuning {
  /**
   * How long a claim for a coupon the wallet has not folded yet waits for its CouponCreated (still on its way from the
   * catalog) before it is refused COUPON_NOT_FOUND, counted from when this instance first saw the command. Default
   * 2 s: well inside the gateway's wait (REQUEST_TIMEOUT_MS, 5 s), so an unknown coupon is a 404, not a 202.
   */
  unknownCouponGraceMs?: number;
}
export const CLAIM_TUNING = Symbol('CLAIM_TUNING');

/** The coupon is not in the projection yet: roll the attempt back and try again. */
class CouponNotFoldedYet extends Error {}

/** The constraints a concurrent decision for the same coupon can trip (lock bypassed, two instances): decide again. */
const RACE_CONSTRAINTS = ['claim_issue_seq_key', 'claim_user_seq_key'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The wallet's Kafka consumers, in two groups so that a claim waiting for its coupon's definition never holds up the
 * fold that brings it:
 * - `wallet`: catalog and ordering events folded into the projection (coupon definitions and status, redemptions);
 * - `wallet-commands`: ClaimCoupon commands (keyed by couponId: one serial writer per coupon), decided once each.
 * Each group's members all subscribe to the same topics (kafkajs's assigner assumes it).
 */
@Injectable()
export class WalletMessagesService {
  private readonly graceMs: number;
  /** When this instance first saw a command still waiting for its coupon. */
  private readonly firstSeen = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    consumers: MessageConsumers,
    @Optional() @Inject(CLAIM_TUNING) tuning?: ClaimTuning,
  ) {
    this.graceMs = tuning?.unknownCouponGraceMs ?? 2_000;
    consumers.register({
      groupId: SERVICE_NAME,
      topics: [Topics.catalogEvents, Topics.orderingEvents],
      handle: (env) => this.foldEvent(env),
      partitionsConsumedConcurrently: 3,
    });
    consumers.register({
      groupId: WALLET_COMMANDS_GROUP,
      topics: [Topics.walletCommands],
      handle: (env) => this.handleCommand(env),
      partitionsConsumedConcurrently: 3,
    });
  }

  /**
   * Decides a ClaimCoupon once. A coupon not folded yet is waited for (polled briefly here, then the runner's retry,
   * which heartbeats and leaves other partitions alone) until the grace is over, then refused COUPON_NOT_FOUND.
   * A race lost on the claim constraints is decided again (it is then refused or given the next sequence).
   */
  async handleCommand(cmd: Envelope): Promise<HandlerOutcome> {
    if (cmd.type !== WalletCommandTypes.claimCoupon) return Outcome.failed(new Error(`${cmd.type} is not a wallet command`));
    const now = Date.now();
    const firstSeen = this.firstSeen.get(cmd.eventId) ?? now;
    const deadline = firstSeen + this.graceMs;
    const pollUntil = Math.min(deadline, now + 500);
    for (;;) {
      try {
        const outcome = await this.decideOnce(cmd as Envelope<ClaimCoupon>, Date.now() >= deadline);
        this.firstSeen.delete(cmd.eventId);
        return outcome;
      } catch (err) {
        if (err instanceof CouponNotFoldedYet) {
          if (Date.now() >= deadline) continue; // the next attempt refuses
          if (Date.now() < pollUntil) {
            await sleep(100);
            continue;
          }
          if (!this.firstSeen.has(cmd.eventId)) {
            if (this.firstSeen.size >= 10_000) this.firstSeen.delete(this.firstSeen.keys().next().value!);
            this.firstSeen.set(cmd.eventId, firstSeen);
          }
          return Outcome.retry(err);
        }
        if (RACE_CONSTRAINTS.some((c) => isUniqueViolation(err, c))) return Outcome.retry(err as Error);
        throw err;
      }
    }
  }

  /**
   * In ONE transaction: records the command id, locks the coupon's stock row, decides, applies the outcome with the
   * projection's fold (claim row and the commandOutcome record) and appends it to the outbox.
   */
  private async decideOnce(cmd: Envelope<ClaimCoupon>, refuseUnknown: boolean): Promise<HandlerOutcome> {
    const r = await handleOnce(this.dataSource, WALLET_COMMANDS_CONSUMER, cmd, async (em) => {
      const now = new Date();
      let event = await decideClaim(cmd, claimStateOf(em), now);
      if (!event) {
        if (!refuseUnknown) throw new CouponNotFoldedYet(`coupon ${cmd.payload.couponId} is not in the wallet's projection yet`);
        event = claimRejected(cmd, 'COUPON_NOT_FOUND', `no coupon ${cmd.payload.couponId}`, now);
      }
      await walletProjection.applyOnce(em, event);
      await appendToOutbox(em, Topics.walletEvents, event);
    });
    return r.duplicate ? Outcome.duplicate : Outcome.done;
  }

  async foldEvent(e: Envelope): Promise<HandlerOutcome> {
    const r = await walletProjection.fold(this.dataSource, e);
    return r === 'duplicate' ? Outcome.duplicate : r === 'ignored' ? Outcome.ignored(`wallet keeps no ${e.type}`) : Outcome.done;
  }
}
