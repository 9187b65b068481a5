/**
 * One claim per press: a press while the previous one of the same coupon is still in flight is ignored (a double
 * tap), and each accepted press gets its own Idempotency-Key, kept for that press's retries.
 */
export class ClaimPresses {
  private readonly inFlight = new Map<string, string>();

  constructor(private readonly newKey: () => string) {}

  /** The key for this press, or null when a claim of this coupon is already being sent. */
  press(couponId: string): string | null {
    if (this.inFlight.has(couponId)) return null;
    const key = this.newKey();
    this.inFlight.set(couponId, key);
    return key;
  }

  done(couponId: string): void {
    this.inFlight.delete(couponId);
  }

  pending(couponId: string): boolean {
    return this.inFlight.has(couponId);
  }
}
