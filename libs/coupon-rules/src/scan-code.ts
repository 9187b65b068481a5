import { DigitalLinkInstance, parseDigitalLink } from './digital-link';
import { toGtin14 } from './gtin';

/** What kind of code was scanned. */
export type ScanCodeKind = 'GTIN' | 'DIGITAL_LINK' | 'STORE_QR';

/** Why a scan code was rejected. */
export type ScanCodeError =
  | 'EMPTY'
  | 'TOO_LONG'
  | 'UNRECOGNIZED'
  | 'GTIN_BAD_LENGTH'
  | 'GTIN_BAD_CHECK_DIGIT'
  | 'MALFORMED_URL'
  | 'UNSUPPORTED_SCHEME'
  | 'NOT_A_GTIN_DIGITAL_LINK'
  | 'INVALID_DIGITAL_LINK'
  | 'INVALID_STORE_ID'
  | 'INVALID_GTIN'
  | 'INVALID_SKU'
  | 'AMBIGUOUS_STORE_QR';

/** A successfully decoded scan. */
export interface DecodedScan {
  readonly ok: true;
  readonly kind: ScanCodeKind;
  /** GTIN-14 (zero-padded). */
  readonly gtin?: string;
  readonly sku?: string;
  readonly storeId?: string;
}

/** A rejected scan. */
export interface RejectedScan {
  readonly ok: false;
  readonly reason: ScanCodeError;
}

/** Result of {@link decodeScanCode}. */
export type ScanCodeResult = DecodedScan | RejectedScan;

/** Longest code accepted (QR payloads beyond this are not ours). */
export const MAX_SCAN_CODE_LENGTH = 2048;

/**
 * Store ids and skus: 1..64 printable ASCII characters, no spaces or control characters
 * (the same rule as `ID_PATTERN` in @coupons/contracts, so decoded ids pass the services' validation).
 */
export const SCAN_ID_PATTERN = /^[\x21-\x7E]{1,64}$/;

const STORE_QR_PATH = /^\/s\/([^/]+)\/?$/;

function reject(reason: ScanCodeError): RejectedScan {
  return { ok: false, reason };
}

function decodeBareGtin(digits: string): ScanCodeResult {
  const gtin = toGtin14(digits);
  if (gtin) return { ok: true, kind: 'GTIN', gtin };
  return reject([8, 12, 13, 14].includes(digits.length) ? 'GTIN_BAD_CHECK_DIGIT' : 'GTIN_BAD_LENGTH');
}

/** The single non-empty value of a query parameter; undefined when absent/empty, null when repeated. */
function singleParam(url: URL, name: string): string | undefined | null {
  const values = url.searchParams.getAll(name).filter((value) => value !== '');
  if (values.length > 1) return null;
  return values[0];
}

function decodeStoreQr(url: URL, rawStoreId: string): ScanCodeResult {
  let storeId: string;
  try {
    storeId = decodeURIComponent(rawStoreId);
  } catch {
    return reject('INVALID_STORE_ID');
  }
  if (!SCAN_ID_PATTERN.test(storeId)) return reject('INVALID_STORE_ID');
  const gtinParam = singleParam(url, 'gtin');
  const sku = singleParam(url, 'sku');
  if (gtinParam === null || sku === null || (gtinParam !== undefined && sku !== undefined)) return reject('AMBIGUOUS_STORE_QR');
  if (gtinParam !== undefined) {
    const gtin = toGtin14(gtinParam);
    return gtin ? { ok: true, kind: 'STORE_QR', storeId, gtin } : reject('INVALID_GTIN');
  }
  if (sku !== undefined) {
    return SCAN_ID_PATTERN.test(sku) ? { ok: true, kind: 'STORE_QR', storeId, sku } : reject('INVALID_SKU');
  }
  return { ok: true, kind: 'STORE_QR', storeId };
}

/**
 * The plainest Digital Link, `http(s)://<host>/01/<gtin>`: a DNS name or IPv4 address (as the URL parser normalizes
 * it), an optional port, and a path of the GTIN key alone. Only the check digit is left to test.
 */
const PLAIN_GTIN_LINK_HOST = /^[a-z0-9.-]+(?::\d+)?$/;
const PLAIN_GTIN_LINK_PATH = /^\/01\/(\d{8}|\d{12,14})$/;

/**
 * The GTIN of a plain GTIN Digital Link with a valid check digit, else null (decided by digital-link.js). The library
 * is correct but slow: its grammar parser runs with tracing on, some 2 ms per link, which is a stall on the scan path
 * for every link a gateway has not cached yet. Every link this accepts is one the library accepts with the same GTIN
 * (`scan-code.spec.ts` checks it against the library on generated links); anything else goes to the library.
 */
function plainGtinLink(url: URL): string | null {
  if (!PLAIN_GTIN_LINK_HOST.test(url.host)) return null;
  const m = PLAIN_GTIN_LINK_PATH.exec(url.pathname);
  return m ? toGtin14(m[1]) : null;
}

function decodeDigitalLink(url: URL): ScanCodeResult {
  const plain = plainGtinLink(url);
  return plain ? { ok: true, kind: 'DIGITAL_LINK', gtin: plain } : decodeDigitalLinkWithLibrary(url);
}

/** A Digital Link decoded by digital-link.js alone (internal; exported for the spec that checks the plain path). */
export function decodeDigitalLinkWithLibrary(url: URL): ScanCodeResult {
  // Query (data attributes such as linkType, or marketing parameters), fragment and credentials do
  // not affect the GTIN; the library validates scheme, host, optional path prefix and key qualifiers.
  const uri = `${url.protocol}//${url.host}${url.pathname}`;
  let link: DigitalLinkInstance;
  let identifier: Record<string, string>;
  try {
    link = parseDigitalLink(uri);
    identifier = link.getIdentifier();
  } catch {
    return reject('NOT_A_GTIN_DIGITAL_LINK');
  }
  const raw = identifier['01'];
  if (raw === undefined) return reject('NOT_A_GTIN_DIGITAL_LINK');
  const gtin = toGtin14(raw);
  if (!gtin) return reject('INVALID_GTIN');
  let valid: boolean;
  try {
    valid = link.isValid();
  } catch {
    valid = false;
  }
  return valid ? { ok: true, kind: 'DIGITAL_LINK', gtin } : reject('INVALID_DIGITAL_LINK');
}

/**
 * Decodes what a shopper's camera or scanner read.
 *
 * Accepted forms (surrounding whitespace, e.g. a scanner's trailing newline, is ignored):
 * - **Bare GTIN**: 8, 12, 13 or 14 ASCII digits with a valid GS1 check digit → `{kind:'GTIN', gtin}`
 *   with the GTIN left-padded to 14 digits.
 * - **GS1 Digital Link** (http or https, any host, optional path prefix before the primary key, as
 *   the standard allows; also the compressed form): `https://host[/prefix]/01/<gtin>[/22/..][/10/<lot>][/21/<serial>][?query]`
 *   → `{kind:'DIGITAL_LINK', gtin}`. The GTIN may have 8/12/13/14 digits and must have a valid check
 *   digit; the path must satisfy the GS1 Digital Link grammar (checked with digital-link.js, which
 *   for instance requires key qualifiers in the standard order 22, 10, 21). Query and fragment are
 *   ignored.
 * - **Store QR**: `http(s)://host/s/<storeId>[/][?gtin=<gtin>|?sku=<sku>]` → `{kind:'STORE_QR', storeId}`
 *   plus `gtin` (validated, as GTIN-14) or `sku`. The store id is URL-decoded; store id and sku must
 *   be 1..64 printable ASCII characters without spaces ({@link SCAN_ID_PATTERN}). An empty `gtin=`/`sku=`
 *   counts as absent; both, or either repeated, is rejected as ambiguous. Other parameters are ignored.
 *
 * Anything else is rejected with a reason code; this function never throws.
 *
 * @param code - raw scanned text
 * @returns the decoded scan, or `{ok:false, reason}`
 */
export function decodeScanCode(code: string): ScanCodeResult {
  if (typeof code !== 'string') return reject('UNRECOGNIZED');
  const text = code.trim();
  if (text === '') return reject('EMPTY');
  if (text.length > MAX_SCAN_CODE_LENGTH) return reject('TOO_LONG');
  if (/^\d+$/.test(text)) return decodeBareGtin(text);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) return reject('UNRECOGNIZED');
  if (!/^https?:\/\//i.test(text)) return reject('UNSUPPORTED_SCHEME');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return reject('MALFORMED_URL');
  }
  if (url.hostname === '') return reject('MALFORMED_URL');
  const store = STORE_QR_PATH.exec(url.pathname);
  if (store) return decodeStoreQr(url, store[1]);
  return decodeDigitalLink(url);
}
