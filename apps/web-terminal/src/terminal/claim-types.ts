/** POST /v1/claims answers (201 decided, 202 still being decided: the outcome comes on the stream). */
export type ClaimResponseLike =
  | { claimId: string; couponId: string; userId: string; status: 'AVAILABLE'; claimedAt: string; validUntil: string | null }
  | { claimId: string; status: 'PENDING' };
