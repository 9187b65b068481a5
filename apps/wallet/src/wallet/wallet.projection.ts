import {
  CatalogEventTypes, ClaimRejected, CouponClaimed, CouponCreated, CouponRedeemed, CouponReleased, CouponStatusChanged, Envelope,
  OrderingEventTypes, Topics, WalletEventTypes,
} from '@coupons/contracts';
import { Fold, Projector, recordCommandOutcome } from '@coupons/messaging';
import { QueryDeepPartialEntity } from 'typeorm';
import { ClaimEntity, ClaimRedemptionEntity, CouponQuotaEntity, CouponStockEntity } from './entities';

/** processed_message consumer name for claim commands and their outcome events. */
export const WALLET_COMMANDS_CONSUMER = 'wallet.commands';

const dateOrNull = (s: string | null | undefined): Date | null => (s ? new Date(s) : null);

/** Own events store the outcome of their command (commandOutcome), live and on replay alike. */
function withOutcome<P>(fold: Fold<P>): Fold<P> {
  return async (em, e) => {
    await fold(em, e);
    if (e.causationId) await recordCommandOutcome(em, WALLET_COMMANDS_CONSUMER, e.causationId, e as Envelope);
  };
}

/**
 * The wallet's projection: its own claim outcomes, coupon definitions from the catalog (what claims are decided
 * against) and redemptions from ordering. Folds read only the event and the rows they touch.
 */
export const walletProjection = new Projector('wallet.projection', [Topics.walletEvents, Topics.catalogEvents, Topics.orderingEvents], {
  [WalletEventTypes.couponClaimed]: withOutcome<CouponClaimed>(async (em, e) => {
    const p = e.payload;
    if (p.userClaimSeq === undefined || p.totalQuantity === undefined || p.perUserLimit === undefined) {
      throw new Error(`CouponClaimed ${e.eventId} lacks userClaimSeq/totalQuantity/perUserLimit: the wallet did not decide it`);
    }
    // The quota row first (the claim references it); every claim of a coupon carries the same terms.
    await em.createQueryBuilder().insert().into(CouponQuotaEntity)
      .values({ couponId: p.couponId, totalQuantity: p.totalQuantity, perUserLimit: p.perUserLimit }).orIgnore().execute();
    const row: QueryDeepPartialEntity<ClaimEntity> = {
      claimId: p.claimId, couponId: p.couponId, userId: p.userId, title: p.title, discount: { ...p.discount },
      claimedAt: new Date(p.claimedAt), validUntil: dateOrNull(p.validUntil), issueSeq: p.issuedCount, userSeq: p.userClaimSeq,
      totalQuantity: p.totalQuantity, perUserLimit: p.perUserLimit,
    };
    // A plain insert, never ON CONFLICT DO NOTHING: a clash on a sequence means a race the decision must redo, not
    // a row to drop while its event is published. Repeats of the same event never get here (applyOnce).
    await em.insert(ClaimEntity, row);
  }),
  [WalletEventTypes.claimRejected]: withOutcome<ClaimRejected>(async () => undefined),
  [CatalogEventTypes.couponCreated]: async (em, e: Envelope<CouponCreated>) => {
    const p = e.payload;
    const row: QueryDeepPartialEntity<CouponStockEntity> = {
      couponId: p.couponId, title: p.title, discount: { ...p.discount }, totalQuantity: p.totalQuantity, perUserLimit: p.perUserLimit,
      claimableFrom: dateOrNull(p.claimableFrom), claimableUntil: dateOrNull(p.claimableUntil), validDaysAfterClaim: p.validDaysAfterClaim ?? null,
      validUntil: dateOrNull(p.validUntil), status: p.status,
    };
    // First creation wins: a repeated CreateCoupon re-emits the original and must not reset the status.
    await em.createQueryBuilder().insert().into(CouponStockEntity).values(row).orIgnore().execute();
  },
  [CatalogEventTypes.couponStatusChanged]: async (em, e: Envelope<CouponStatusChanged>) => {
    await em.update(CouponStockEntity, { couponId: e.payload.couponId }, { status: e.payload.status });
  },
  [OrderingEventTypes.couponRedeemed]: async (em, e: Envelope<CouponRedeemed>) => {
    await em.upsert(ClaimRedemptionEntity, { claimId: e.payload.claimId, orderId: e.payload.orderId, redeemedAt: new Date(e.payload.redeemedAt) }, ['claimId']);
  },
  [OrderingEventTypes.couponReleased]: async (em, e: Envelope<CouponReleased>) => {
    await em.delete(ClaimRedemptionEntity, { claimId: e.payload.claimId, orderId: e.payload.orderId });
  },
});
