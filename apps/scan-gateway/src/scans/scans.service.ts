import { Injectable } from '@nestjs/common';
import { Queries, ScanQuery, ScanResult } from '@coupons/contracts';
import { decodeScanCode } from '@coupons/coupon-rules';
import { ApiError } from '../errors/api-error';
import { QueryClient } from '../messaging/query-client';

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

@Injectable()
export class ScansService {
  constructor(private readonly queries: QueryClient) {}

  /**
   * Decodes the code, settles the store, and asks the catalog. The store comes from a store QR or from the body;
   * when both are given they must agree (a terminal in one store scanning another store's QR is refused with 400
   * rather than silently picking one).
   */
  async scan(code: string, bodyStoreId: string | undefined, correlationId: string): Promise<ScanResult> {
    const decoded = decodeScanCode(code);
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
    const reply = await this.queries.query<ScanResult>(Queries.scan, query, correlationId);
    if (!reply.ok) {
      // A well-formed code for an unknown product is still an answer (product null); refusals are the store's.
      throw new ApiError(reply.code.endsWith('_NOT_FOUND') ? 404 : 422, reply.code, reply.message);
    }
    const r = reply.value;
    return { product: r.product ?? null, storeId: r.storeId ?? null, coupons: r.coupons ?? [], best: r.best ?? null, displays: r.displays ?? [] };
  }
}
