import { createHash } from 'node:crypto';
import { ApiError } from '../errors/api-error';

/** Header a terminal sends to make a POST safe to repeat. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x21-\x7E]{1,200}$/;

/**
 * The command id for a request carrying an Idempotency-Key: sha256 of route, user and key, formatted as a uuid
 * (name-based, version 5 bits), so a repeat — on any instance, after any restart — publishes the same command id and
 * the service decides it once. The user is part of the hash, so two users' keys never collide.
 */
export function idempotentCommandId(route: string, userId: string, key: string): string {
  const h = createHash('sha256').update(`${route}\n${userId}\n${key}`, 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The fingerprint of an idempotent request: sha256 of route, user and the body as canonical JSON (keys sorted, so the
 * same content in another key order is the same request). Stored with the command's one outcome record (the outcome
 * event carries it), so a key reused with another body is told apart on any instance, after any restart.
 */
export function requestFingerprint(route: string, userId: string, body: unknown): string {
  return createHash('sha256').update(`${route}\n${userId}\n${canonicalJson(body)}`, 'utf8').digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** 422 for an Idempotency-Key already used with another request (nothing is written for this one). */
export function keyReused(): ApiError {
  return new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request', [
    { field: 'Idempotency-Key', message: 'already used with another body; use a new key for a new request' },
  ]);
}

/** The Idempotency-Key header, validated: undefined when absent, 400 when malformed or repeated. */
export function readIdempotencyKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const raw = headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !KEY_PATTERN.test(raw)) {
    throw ApiError.validation([{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1..200 printable characters, sent once' }]);
  }
  return raw;
}

/** A short id derived from a command id (e.g. the couponId of an idempotent coupon creation). */
export function derivedId(prefix: string, commandId: string): string {
  return `${prefix}${commandId.replace(/-/g, '').slice(0, 24)}`;
}
