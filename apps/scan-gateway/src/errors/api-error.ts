// The error body shape (ErrorBody, ErrorDetail) is the contract's, in libs/contracts, shared with the web terminal.
import { ErrorDetail } from '@coupons/contracts';

/** An error the gateway answers on purpose, with its HTTP status and UPPER_SNAKE code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static validation(details: ErrorDetail[], message = 'the request is not valid'): ApiError {
    return new ApiError(400, 'VALIDATION_FAILED', message, details);
  }

  static unauthorized(message = 'a valid bearer token is required'): ApiError {
    return new ApiError(401, 'UNAUTHORIZED', message);
  }

  static forbidden(message = 'this operation needs another role'): ApiError {
    return new ApiError(403, 'FORBIDDEN', message);
  }

  static notFound(code: string, message: string): ApiError {
    return new ApiError(404, code, message);
  }

  /** Kafka is unreachable or a service did not answer in time: retryable by the client. */
  static unavailable(message: string, details: unknown[] = []): ApiError {
    return new ApiError(503, 'UNAVAILABLE', message, details);
  }
}
