import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError, ErrorDetail } from './api-error';

/** Flattens class-validator errors into one detail per failed constraint, naming the field by its dotted path. */
export function validationDetails(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ field, message: message.replace(/^property /, '') });
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
    // One message per field: the first rule it breaks (a string price needs no range complaints).
    stopAtFirstError: true,
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
