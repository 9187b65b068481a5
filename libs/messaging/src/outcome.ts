/**
 * What a handler did with a message. The runtime commits the offset for `done`, `duplicate` and `ignored`, dead-letters
 * `failed` (final) messages and then commits, and retries `retry` with backoff without moving the partition on.
 */
export type HandlerOutcome =
  | { status: 'done' }
  | { status: 'duplicate' }
  | { status: 'ignored'; reason: string }
  | { status: 'failed'; error: Error }
  | { status: 'retry'; error: Error };

export const Outcome = {
  done: { status: 'done' } as HandlerOutcome,
  duplicate: { status: 'duplicate' } as HandlerOutcome,
  ignored: (reason: string): HandlerOutcome => ({ status: 'ignored', reason }),
  failed: (error: Error): HandlerOutcome => ({ status: 'failed', error }),
  retry: (error: Error): HandlerOutcome => ({ status: 'retry', error }),
  /** Classifies a thrown error: transient infrastructure trouble is retried, anything else is final. */
  fromError: (error: unknown): HandlerOutcome => {
    const e = error instanceof Error ? error : new Error(String(error));
    return isRetryableError(error) ? { status: 'retry', error: e } : { status: 'failed', error: e };
  },
};

/** SQLSTATEs worth retrying: the same statement can succeed later. */
const RETRYABLE_SQLSTATE = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '58000', // system_error
  '58030', // io_error
]);

const RETRYABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

const RETRYABLE_MESSAGES = [
  /Connection terminated/i,
  /connection (is )?(closed|ended|refused)/i,
  /timeout (exceeded )?when trying to connect/i,
  /Client has encountered a connection error/i,
  /Cannot use a pool after calling end/i,
  /terminating connection/i,
];

/** The fields of a (TypeORM-wrapped) driver error that the checks below read. */
type DriverError = { code?: unknown; constraint?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
const asDriverError = (e: unknown): DriverError | undefined => (typeof e === 'object' && e !== null ? (e as DriverError) : undefined);

/**
 * True for failures that say nothing about the message: the database is down or busy, the transaction lost a
 * serialization race or a deadlock. Such a message must be retried, never skipped or dead-lettered.
 */
export function isRetryableError(error: unknown): boolean {
  for (let e: DriverError | undefined = asDriverError(error), depth = 0; e && depth < 5; e = asDriverError(e.driverError ?? e.cause), depth++) {
    const code: unknown = e.code;
    if (typeof code === 'string') {
      if (RETRYABLE_SQLSTATE.has(code) || code.startsWith('08')) return true; // 08xxx: connection exceptions
      if (RETRYABLE_NODE_CODES.has(code)) return true;
    }
    const message = e.message;
    if (typeof message === 'string' && RETRYABLE_MESSAGES.some((re) => re.test(message))) return true;
  }
  return false;
}

/** A unique_violation (23505), optionally on a given constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let e = asDriverError(error), depth = 0; e && depth < 5; e = asDriverError(e.driverError ?? e.cause), depth++) {
    if (e.code === '23505') return constraint === undefined || e.constraint === constraint;
  }
  return false;
}
