import { Injectable } from '@nestjs/common';
import { ClaimCoupon, ClaimRejected, CouponClaimed, Queries, Topics, WalletCommandTypes, WalletEventTypes } from '@coupons/contracts';
import { randomBytes } from 'node:crypto';
import { CommandBus } from '../messaging/command-bus';
import { derivedId, idempotentCommandId, requestFingerprint } from '../messaging/idempotency';
import { refusal } from '../messaging/outcome-errors';
import { UserPositions } from '../messaging/user-positions';
import { ClaimResponse, PendingClaimResponse } from './dto/claim-coupon.dto';
import { KnownCoupons } from './known-coupons';

export type ClaimAnswer = { status: 201; body: ClaimResponse } | { status: 202; body: PendingClaimResponse };

/**
 * Claims: a ClaimCoupon command keyed by couponId (the wallet decides stock and per-user limits for a coupon in
 * order); the user comes from the token. The answer is the CouponClaimed / ClaimRejected event it caused.
 */
@Injectable()
export class ClaimsService {
  constructor(private readonly commands: CommandBus, private readonly positions: UserPositions, private readonly coupons: KnownCoupons) {}

  async claim(userId: string, couponId: string, ctx: { correlationId: string; idempotencyKey?: string }): Promise<ClaimAnswer> {
    // An id the catalog never created is refused here, quickly and without a command: random ids would otherwise
    // reach every wallet partition and hold real claims up behind them.
    if (!(await this.coupons.mayExist(couponId))) throw refusal('COUPON_NOT_FOUND', `coupon ${couponId} does not exist`, [], 404);
    const route = 'POST /v1/claims';
    const commandId = ctx.idempotencyKey ? idempotentCommandId(route, userId, ctx.idempotencyKey) : undefined;
    const claimId = commandId ? derivedId('clm_', commandId) : `clm_${randomBytes(12).toString('hex')}`;
    const payload: ClaimCoupon = { claimId, couponId, userId, requestedAt: new Date().toISOString() };
    const { outcome } = await this.commands.execute({
      topic: Topics.walletCommands,
      type: WalletCommandTypes.claimCoupon,
      key: couponId,
      payload,
      correlationId: ctx.correlationId,
      commandId,
      requestHash: commandId ? requestFingerprint(route, userId, { couponId }) : undefined,
      outcomeQuery: { pattern: Queries.commandOutcome.wallet, topic: Topics.walletEvents },
    });
    if (!outcome) return { status: 202, body: { claimId, couponId, status: 'PENDING' } };
    const env = outcome.envelope;
    if (env.type === WalletEventTypes.claimRejected) {
      const r = env.payload as ClaimRejected;
      throw refusal(r.code, r.message, [], r.code === 'COUPON_NOT_FOUND' ? 404 : 409);
    }
    if (env.type !== WalletEventTypes.couponClaimed) throw new Error(`unexpected outcome ${env.type} for ClaimCoupon ${claimId}`);
    this.positions.observe(outcome);
    const c = env.payload as CouponClaimed;
    return { status: 201, body: { claimId: c.claimId, couponId: c.couponId, userId: c.userId, status: 'AVAILABLE', claimedAt: c.claimedAt, validUntil: c.validUntil ?? null } };
  }
}
