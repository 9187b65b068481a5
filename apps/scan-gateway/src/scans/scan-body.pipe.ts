import { Injectable, PipeTransform } from '@nestjs/common';
import { ID_PATTERN } from '@coupons/contracts';
import { MAX_SCAN_CODE_LENGTH } from '@coupons/coupon-rules';
import { gatewayValidationPipe } from '../errors/validation';
import { ScanRequest } from './dto/scan.dto';

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * The scan body's validation, with a fast path for the shape terminals send. A body that is exactly `{code}` or
 * `{code, storeId}` with printable ASCII within the limits is what the ScanRequest rules accept, so it is taken as it
 * is; anything else goes through the gateway's ValidationPipe for the same 400s as every other route. The scan is the
 * hottest route, and class-transformer/class-validator were a fifth of its allocations.
 */
@Injectable()
export class ScanBodyPipe implements PipeTransform {
  private readonly full = gatewayValidationPipe();

  async transform(value: unknown): Promise<ScanRequest> {
    if (isPlainScanBody(value)) return value;
    return (await this.full.transform(value, { type: 'body', metatype: ScanRequest })) as ScanRequest;
  }
}

/** True only for bodies the ScanRequest rules certainly accept (ASCII, so string lengths are character counts). */
export function isPlainScanBody(value: unknown): value is ScanRequest {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const body = value as Record<string, unknown>;
  let keys = 0;
  for (const key in body) {
    if (!Object.prototype.hasOwnProperty.call(body, key)) return false;
    if (key !== 'code' && key !== 'storeId') return false;
    keys++;
  }
  const { code, storeId } = body;
  if (typeof code !== 'string' || code.length < 1 || code.length > MAX_SCAN_CODE_LENGTH || !PRINTABLE_ASCII.test(code)) return false;
  if (keys === 2 && (typeof storeId !== 'string' || !ID_PATTERN.test(storeId))) return false;
  return keys === 1 || keys === 2;
}
