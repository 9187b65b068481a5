import { Injectable } from '@nestjs/common';
import { ScanQuery, ScanResult } from '@coupons/contracts';
import { ScanCodeResult, decodeScanCode } from '@coupons/coupon-rules';
import { GatewayEnv } from '../config/gateway.env';
import { ApiError } from '../errors/api-error';
import { ScanReadModel } from './scan-read-model';

/** Human wording for decodeScanCode's reasons. */
const REASONS: Record<string, string> = {
  EMPTY: 'the code is empty',
  TOO_LONG: 'the code is too long',
  UNRECOGNIZED: 'not a GTIN, GS1 Digital Link or store QR code',
  GTIN_BAD_LENGTH: 'a GTIN has 8, 12, 13 or 14 digits',
  GTIN_BAD_CHECK_DIGIT: 'the GTIN check digit is wrong',
  MALFORMED_URL: 'the URL is malformed',
  UNSUPPORTED_SCHEME: 'only http(s) codes are understood',
  NOT_A_GTIN_DIGITAL_LINK: 'the link names no GTIN (/01/<gtin>)',
  INVALID_DIGITAL_LINK: 'the GS1 Digital Link is not valid',
  INVALID_STORE_ID: 'the store id in the QR code is not valid',
  INVALID_GTIN: 'the GTIN in the code is not valid',
  INVALID_SKU: 'the sku in the QR code is not valid',
  AMBIGUOUS_STORE_QR: 'the store QR names more than one product',
};

/** Decoded codes kept: terminals scan the same products again and again, and a GS1 Digital Link is costly to parse. */
const DECODED_CACHE_SIZE = 20_000;

@Injectable()
export class ScansService {
  private readonly decodedCodes = new Map<string, ScanCodeResult>();

  constructor(private readonly model: ScanReadModel, private readonly env: GatewayEnv) {}

  /**
   * Decodes the code, settles the store, and answers from this gateway's read model of the catalog (see README,
   * "Performance trade-offs"). The store comes from a store QR or from the body; when both are given they must agree
   * (a terminal in one store scanning another store's QR is refused with 400 rather than silently picking one).
   */
  async scan(code: string, bodyStoreId: string | undefined): Promise<ScanResult> {
    const decoded = this.decode(code);
    if (!decoded.ok) {
      throw new ApiError(400, 'INVALID_CODE', `the code cannot be read: ${REASONS[decoded.reason] ?? decoded.reason}`, [
        { field: 'code', reason: decoded.reason, message: REASONS[decoded.reason] ?? decoded.reason },
      ]);
    }
    if (decoded.storeId && bodyStoreId && decoded.storeId !== bodyStoreId) {
      throw ApiError.validation(
        [{ field: 'storeId', message: `the scanned store QR is for store ${decoded.storeId}, not ${bodyStoreId}` }],
        'the scanned store and the given store differ',
      );
    }
    const query: ScanQuery = {};
    if (decoded.gtin) query.gtin = decoded.gtin;
    if (decoded.sku) query.sku = decoded.sku;
    const storeId = decoded.storeId ?? bodyStoreId;
    if (storeId) query.storeId = storeId;
    // Until the model has folded the catalog as it was at start-up, scans wait (bounded), then 503 like a query would.
    if (!this.model.isReady() && !(await this.model.whenReady(this.env.REQUEST_TIMEOUT_MS))) {
      throw ApiError.unavailable(`the gateway is still loading the catalog (${this.model.status()}); try again`);
    }
    // A well-formed code for an unknown product is still an answer (product null).
    return this.model.model.scan(query, Date.now());
  }

  /** decodeScanCode is a pure function of the code: its answers are kept in a bounded cache (oldest out first). */
  private decode(code: string): ScanCodeResult {
    let decoded = this.decodedCodes.get(code);
    if (!decoded) {
      decoded = decodeScanCode(code);
      if (this.decodedCodes.size >= DECODED_CACHE_SIZE) this.decodedCodes.delete(this.decodedCodes.keys().next().value!);
      this.decodedCodes.set(code, decoded);
    }
    return decoded;
  }
}
