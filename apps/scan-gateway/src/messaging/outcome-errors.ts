import { ApiError } from '../errors/api-error';

/** The HTTP status for a refusal code when the refusing service did not give one. */
export function statusForRefusal(code: string): number {
  if (code.endsWith('_NOT_FOUND')) return 404;
  if (code.startsWith('UNKNOWN_') || code === 'CURRENCY_MISMATCH') return 422;
  return 409;
}

/** A service's refusal (a *Rejected event or a not-found query reply) as the HTTP error the client gets. */
export function refusal(code: string, message: string, details: unknown[] = [], status?: number): ApiError {
  const s = status !== undefined && Number.isInteger(status) && status >= 400 && status < 500 ? status : statusForRefusal(code);
  return new ApiError(s, code, message, details);
}
