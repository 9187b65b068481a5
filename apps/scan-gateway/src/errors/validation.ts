import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { ErrorDetail } from '@coupons/contracts';
import { ApiError } from './api-error';

/**
 * Which failed rule to report when a field breaks several: the most basic one (unknown field, missing, wrong type)
 * says what is wrong; "must be shorter than 200 characters" for an object would not.
 */
const CONSTRAINT_PRIORITY = [
  'whitelistValidation', 'isDefined', 'isObject', 'isArray', 'isString', 'isInt', 'isNumber', 'isBoolean', 'isIn', 'isEnum', 'isIso8601', 'isApiTimestamp',
  'nestedValidation',
];

function rank(constraint: string): number {
  const i = CONSTRAINT_PRIORITY.indexOf(constraint);
  return i < 0 ? CONSTRAINT_PRIORITY.length : i;
}

/** Flattens class-validator errors into one detail per bad field, named by its dotted path (`items.0.quantity`). */
export function validationDetails(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const constraints = Object.entries(e.constraints ?? {}).sort(([a], [b]) => rank(a) - rank(b));
    if (constraints.length) out.push({ field, message: constraints[0][1].replace(/^property /, '') });
    if (e.children?.length) out.push(...validationDetails(e.children, field));
  }
  return out;
}

/**
 * The gateway's ValidationPipe: unknown fields are refused (whitelist + forbidNonWhitelisted), values are not
 * coerced (a "100" price stays a string and fails), and a failure is 400 VALIDATION_FAILED naming each bad field.
 */
export function gatewayValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false, exposeDefaultValues: true },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => ApiError.validation(validationDetails(errors)),
  });
}

/**
 * Refuses a body that is not a JSON object (absent, null, an array, a string) before the DTO pipe sees it, so such
 * bodies get a clear 400 rather than class-validator's "unknown value" message.
 */
@Injectable()
export class JsonObjectBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body') return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw ApiError.validation([{ field: '(body)', message: 'the body must be a JSON object' }], 'the body must be a JSON object');
    }
    return value;
  }
}
