import { WalletCouponView } from '@coupons/contracts';
import { ClaimEntity } from './entities';

/** A claim as the wallet shows it: REDEEMED when an order spent it, EXPIRED past its validity, else AVAILABLE. */
export function walletCouponView(claim: ClaimEntity, redemption: { orderId: string } | null, now: Date): WalletCouponView {
  const status = redemption ? 'REDEEMED' : claim.validUntil && claim.validUntil.getTime() < now.getTime() ? 'EXPIRED' : 'AVAILABLE';
  return {
    claimId: claim.claimId,
    couponId: claim.couponId,
    title: claim.title,
    discount: claim.discount,
    status,
    claimedAt: claim.claimedAt.toISOString(),
    validUntil: claim.validUntil ? claim.validUntil.toISOString() : null,
    ...(redemption ? { orderId: redemption.orderId } : {}),
  };
}
