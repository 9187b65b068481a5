import { ClaimCoupon, CouponClaimed, Envelope, Topics, WalletCommandTypes, WalletEventTypes } from '@coupons/contracts';
import {
  BatchMessage, HandlerOutcome, MessageConsumers, Outcome, appendAllToOutbox, appendToOutbox, handleOnce, isUniqueViolation,
  recordProcessedMessages,
} from '@coupons/messaging';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_NAME } from '../env';
import { lockClaimRun } from './claim-state';
import { ClaimOutcomeEvent, claimRejected, decideClaim } from './decisions';
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
      handleBatch: (messages) => this.foldEvents(messages),
      partitionsConsumedConcurrently: 3,
    });
    consumers.register({
      groupId: WALLET_COMMANDS_GROUP,
      topics: [Topics.walletCommands],
      handle: (env) => this.handleCommand(env),
      handleBatch: (messages) => this.decideClaims(messages.map((m) => m.envelope)),
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
      let event = await decideClaim(cmd, await lockClaimRun(em, [cmd.payload]), now);
      if (!event) {
        if (!refuseUnknown) throw new CouponNotFoldedYet(`coupon ${cmd.payload.couponId} is not in the wallet's projection yet`);
        event = claimRejected(cmd, 'COUPON_NOT_FOUND', `no coupon ${cmd.payload.couponId}`, now);
      }
      await walletProjection.applyOnce(em, event);
      await appendToOutbox(em, Topics.walletEvents, event);
    });
    return r.duplicate ? Outcome.duplicate : Outcome.done;
  }

  /**
   * Group commit of a run of claim commands (consecutive, one partition): ONE transaction locks the run's coupons,
   * records the command ids, decides each command in order against the locked snapshot (each decision sees the ones
   * before it), applies the outcomes with the projection's folds and appends them to the outbox. Decided exactly as
   * handleCommand decides one (same decideClaim, same folds), with one commit, one fsync and one offset commit for
   * the run. The run stops before the first command that needs waiting (its coupon not folded yet, or already
   * waiting): handleCommand takes that one. Anything thrown (a constraint race, the database) rolls the whole run
   * back, and the runner hands its first command to handleCommand, which knows how to retry.
   */
  async decideClaims(commands: Envelope[]): Promise<HandlerOutcome[]> {
    let n = 0;
    while (n < commands.length && commands[n].type === WalletCommandTypes.claimCoupon && !this.firstSeen.has(commands[n].eventId)) n++;
    const run = commands.slice(0, n) as Array<Envelope<ClaimCoupon>>;
    if (run.length === 0) return [];
    return this.dataSource.transaction(async (em) => {
      const state = await lockClaimRun(em, run.map((c) => c.payload));
      const known = run.findIndex((c) => !state.has(c.payload.couponId));
      const decided = known === -1 ? run : run.slice(0, known);
      const fresh = await recordProcessedMessages(em, WALLET_COMMANDS_CONSUMER, decided.map((c) => c.eventId));
      const outcomes: HandlerOutcome[] = [];
      const events: ClaimOutcomeEvent[] = [];
      for (const cmd of decided) {
        // Not fresh: decided before, or a repeat within this run.
        if (!fresh.delete(cmd.eventId)) {
          outcomes.push(Outcome.duplicate);
          continue;
        }
        const event = (await decideClaim(cmd, state, new Date()))!;
        if (event.type === WalletEventTypes.couponClaimed) {
          const p = event.payload as CouponClaimed;
          state.issued(p.couponId, p.userId, p.issuedCount!, p.userClaimSeq!);
        }
        events.push(event);
        outcomes.push(Outcome.done);
      }
      await walletProjection.applyMany(em, events);
      await appendAllToOutbox(em, events.map((envelope) => ({ topic: Topics.walletEvents, envelope })));
      return outcomes;
    });
  }

  async foldEvent(e: Envelope): Promise<HandlerOutcome> {
    return (await walletProjection.consume(this.dataSource, [e]))[0];
  }

  /** A run of catalog/ordering events of one partition folded in one transaction. */
  foldEvents(messages: BatchMessage[]): Promise<HandlerOutcome[]> {
    return walletProjection.consume(this.dataSource, messages.map((m) => m.envelope));
  }
}
