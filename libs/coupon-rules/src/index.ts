export * from './coupon';
export * from './money';
export * from './discount';
export * from './targeting';
export * from './offer-matching';
export * from './offer-ranking';
export * from './order-pricing';
export * from './claim-validity';
export * from './order-coupon-selection';
export * from './gtin';
export * from './scan-model';
export {
  decodeScanCode,
  MAX_SCAN_CODE_LENGTH,
  SCAN_ID_PATTERN,
  type DecodedScan,
  type RejectedScan,
  type ScanCodeError,
  type ScanCodeKind,
  type ScanCodeResult,
} from './scan-code';
export * from './local-day';
export * from './coupon-edits';
