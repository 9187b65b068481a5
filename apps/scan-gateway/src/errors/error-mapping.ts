import { HttpException } from '@nestjs/common';
import { ErrorBody } from '@coupons/contracts';
import { ApiError } from './api-error';

export interface MappedError {
  status: number;
  body: ErrorBody;
  /** True for failures of the gateway itself (logged as errors); client mistakes are not. */
  internal: boolean;
}

/** Codes for statuses that reach us without one (Nest's HttpExceptions, Fastify's errors). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  411: 'LENGTH_REQUIRED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
  431: 'HEADERS_TOO_LARGE',
  503: 'UNAVAILABLE',
};

/** Fastify error codes (request parsing happens before any Nest code runs) and what a client should read. */
const FASTIFY_CODES: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'the body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'the body is empty but the content type is JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'the body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST', message: 'the content length does not match the body' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json' },
  FST_ERR_BAD_URL: { status: 400, code: 'INVALID_URL', message: 'the URL is not valid (bad percent-encoding)' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 400, code: 'VALIDATION_FAILED', message: 'a path parameter is too long (ids have at most 64 characters)' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'BAD_REQUEST', message: 'the request is not valid' },
};

function knownFastifyError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return (typeof code === 'string' && code in FASTIFY_CODES) || (err instanceof SyntaxError && statusOf(err) === 400);
}

function body(code: string, message: string, details: unknown[] = []): ErrorBody {
  return { error: { code, message, details } };
}

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const s = (err as { statusCode?: unknown; status?: unknown }).statusCode ?? (err as { status?: unknown }).status;
  return typeof s === 'number' && Number.isInteger(s) && s >= 400 && s <= 599 ? s : undefined;
}

/**
 * Turns anything thrown while serving a request into the error format. Client mistakes keep their 4xx (Fastify's
 * own errors are mapped by their statusCode, so no client input becomes a 500); only genuine gateway failures are
 * 5xx, and their internals never leak into the message.
 */
export function mapError(err: unknown): MappedError {
  // Nest wraps Fastify's request-parsing errors in an HttpException; the original says more (e.g. invalid JSON).
  if (err instanceof HttpException && err.cause !== undefined && knownFastifyError(err.cause)) return mapError(err.cause);
  if (err instanceof ApiError) {
    return { status: err.status, body: body(err.code, err.message, err.details), internal: err.status >= 500 && err.status !== 503 };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse();
    const message = typeof response === 'object' && response !== null && typeof (response as any).message === 'string'
      ? (response as any).message : err.message;
    if (status === 404) return { status, body: body('NOT_FOUND', 'no such resource'), internal: false };
    if (status === 503) {
      // e.g. /health naming its failing checks
      const details = typeof response === 'object' && response !== null ? [response] : [];
      return { status, body: body('UNAVAILABLE', 'the service is not ready', details), internal: false };
    }
    return { status, body: body(CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'), status >= 500 ? 'internal error' : message), internal: status >= 500 };
  }
  const fastifyCode = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof fastifyCode === 'string' && FASTIFY_CODES[fastifyCode]) {
    const m = FASTIFY_CODES[fastifyCode];
    return { status: m.status, body: body(m.code, m.message), internal: false };
  }
  if (err instanceof SyntaxError && statusOf(err) === 400) {
    return { status: 400, body: body('INVALID_JSON', 'the body is not valid JSON'), internal: false };
  }
  const status = statusOf(err);
  if (status !== undefined && status < 500) {
    const message = err instanceof Error && err.message ? err.message : 'the request is not valid';
    return { status, body: body(CODE_BY_STATUS[status] ?? 'BAD_REQUEST', message), internal: false };
  }
  return { status: 500, body: body('INTERNAL', 'internal error'), internal: true };
}
