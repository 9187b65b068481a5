/**
 * Tells waiters in this process that a projection has folded more (a fold transaction committed), so a wait on fold
 * progress (ordering's read-your-writes) re-checks when something changed instead of polling on a short timer.
 * Folds committed by another instance are not signalled here: waiters re-check at least every `fallbackMs`.
 */
export class FoldProgress {
  private waiters: Array<() => void> = [];

  /** A fold committed: wakes every waiter. */
  advanced(): void {
    const waiting = this.waiters;
    if (waiting.length === 0) return;
    this.waiters = [];
    for (const wake of waiting) wake();
  }

  /** Resolves at the next fold committed in this process, or after `ms`. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve();
      }, ms);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(wake);
    });
  }
}
