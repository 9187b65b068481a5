import { randomUUID } from 'node:crypto';

/**
 * Every command and event on Kafka is wrapped in this envelope. The Kafka message key is `aggregateId`.
 * For a command, `eventId` is the command id: consumers record it to process each command once.
 */
export interface Envelope<T = unknown> {
  eventId: string;
  type: string;
  version: number;
  /** ISO-8601 UTC */
  occurredAt: string;
  aggregateId: string;
  correlationId: string;
  /** The id of the command or event that caused this one; null for a command that came from HTTP. */
  causationId: string | null;
  /**
   * The fingerprint of the HTTP request a command came from (route, user and body), when it carried an
   * Idempotency-Key; copied to the events the command causes, so its stored outcome tells a repeat from a key reused
   * with another body.
   */
  requestHash?: string;
  payload: T;
}

export interface EnvelopeOptions {
  aggregateId: string;
  correlationId: string;
  causationId?: string | null;
  eventId?: string;
  version?: number;
  occurredAt?: Date | string;
  requestHash?: string;
}

/** Wraps a payload in a new envelope (fresh eventId unless one is given, e.g. a deterministic command id). */
export function envelope<T>(type: string, payload: T, opts: EnvelopeOptions): Envelope<T> {
  const occurredAt = opts.occurredAt ?? new Date();
  return {
    eventId: opts.eventId ?? randomUUID(),
    type,
    version: opts.version ?? 1,
    occurredAt: typeof occurredAt === 'string' ? occurredAt : occurredAt.toISOString(),
    aggregateId: opts.aggregateId,
    correlationId: opts.correlationId,
    causationId: opts.causationId ?? null,
    ...(opts.requestHash !== undefined ? { requestHash: opts.requestHash } : {}),
    payload,
  };
}

/** Builds a follow-up envelope caused by `cause`, keeping its correlation id and request fingerprint. */
export function causedBy<T>(
  cause: Pick<Envelope, 'eventId' | 'correlationId' | 'requestHash'>, type: string, payload: T, aggregateId: string, occurredAt?: Date,
): Envelope<T> {
  return envelope(type, payload, { aggregateId, correlationId: cause.correlationId, causationId: cause.eventId, occurredAt, requestHash: cause.requestHash });
}

/** Structural check of an envelope read from Kafka; payload validation is the payload class's job. */
export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.eventId === 'string' &&
    typeof v.type === 'string' &&
    typeof v.version === 'number' &&
    typeof v.occurredAt === 'string' &&
    typeof v.aggregateId === 'string' &&
    typeof v.correlationId === 'string' &&
    (v.causationId === null || typeof v.causationId === 'string') &&
    (v.requestHash === undefined || typeof v.requestHash === 'string') &&
    typeof v.payload === 'object' &&
    v.payload !== null
  );
}
