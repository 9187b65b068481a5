/** How {@link retryWithBackoff} waits between attempts. */
export interface BackoffOptions {
  /** First wait, ms; doubled after each failure up to maxMs. Default 250. */
  initialMs?: number;
  /** Longest wait, ms. Default 5000. */
  maxMs?: number;
  /** Checked before each attempt: true ends the loop (the app is shutting down). */
  stopped?: () => boolean;
  /** Told of each failure and the wait before the next attempt (for a log line or a status). */
  onFailure?: (err: unknown, delayMs: number) => void;
  /** A failure that no wait can mend (e.g. a misconfigured topic): rethrown at once instead of retried. */
  isFinal?: (err: unknown) => boolean;
}

/**
 * Runs `attempt` until it succeeds or `stopped()` says to give up, waiting with exponential backoff between failures:
 * for start-up steps that must wait for the broker however long it takes. Resolves true once an attempt succeeded,
 * false when stopped first. The waits do not keep the process alive.
 */
export async function retryWithBackoff(attempt: () => Promise<void>, o: BackoffOptions = {}): Promise<boolean> {
  const max = o.maxMs ?? 5000;
  let delay = o.initialMs ?? 250;
  while (!o.stopped?.()) {
    try {
      await attempt();
      return true;
    } catch (err) {
      if (o.isFinal?.(err)) throw err;
      o.onFailure?.(err, delay);
      await new Promise((r) => setTimeout(r, delay).unref());
      delay = Math.min(delay * 2, max);
    }
  }
  return false;
}
