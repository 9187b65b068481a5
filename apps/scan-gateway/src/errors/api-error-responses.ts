import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class ErrorDetailSchema {
  @ApiPropertyOptional({ example: 'discount.percent', description: 'the bad field, as a dotted path' }) field?: string;
  @ApiProperty({ example: 'percent must not be greater than 100' }) message!: string;
}

export class ErrorContent {
  @ApiProperty({ example: 'VALIDATION_FAILED' }) code!: string;
  @ApiProperty({ example: 'the request is not valid' }) message!: string;
  @ApiProperty({ type: [ErrorDetailSchema] }) details!: ErrorDetailSchema[];
}

/** The one error shape: `{"error": {code, message, details}}`. */
export class ErrorResponse {
  @ApiProperty({ type: ErrorContent }) error!: ErrorContent;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'VALIDATION_FAILED (details name each bad field), INVALID_JSON, INVALID_CODE',
  401: 'UNAUTHORIZED: no, malformed, forged or expired token',
  403: 'FORBIDDEN: the token lacks the role',
  404: 'NOT_FOUND or a *_NOT_FOUND code',
  409: 'a refused business decision, with its code (e.g. OUT_OF_STOCK, LIMIT_REACHED, DAILY_LIMIT_REACHED)',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE: send application/json',
  422: 'UNKNOWN_SKU / UNKNOWN_STORE',
  429: 'RATE_LIMITED: too many requests from this address or user; Retry-After says when to retry',
  503: 'UNAVAILABLE: the broker is down or a service did not answer in time; retry',
};

/** A route's own wording of a status: the codes it answers with. */
export type ErrorCodes = Partial<Record<number, string>>;

/**
 * Documents the error responses a route can give, all in the ErrorResponse shape. A trailing object names the codes a
 * route gives for a status (e.g. `{ 409: 'STORE_ID_TAKEN' }`) instead of the generic wording.
 */
export function ApiErrorResponses(...args: Array<number | ErrorCodes>) {
  const codes: ErrorCodes = Object.assign({}, ...args.filter((a): a is ErrorCodes => typeof a === 'object'));
  const statuses = args.filter((a): a is number => typeof a === 'number');
  return applyDecorators(
    ApiExtraModels(ErrorResponse),
    ...statuses.map((status) => ApiResponse({ status, description: codes[status] ?? DESCRIPTIONS[status], schema: { $ref: getSchemaPath(ErrorResponse) } })),
  );
}

/** A route's refusals of one status, with the codes it can answer (beyond the generic description). */
export function ApiRefusals(status: number, codes: string) {
  return applyDecorators(ApiExtraModels(ErrorResponse), ApiResponse({ status, description: codes, schema: { $ref: getSchemaPath(ErrorResponse) } }));
}

/** Tenancy: another merchant's id answers exactly as an unknown one. */
export const NOT_YOURS = "another merchant's id answers exactly as an unknown one";
