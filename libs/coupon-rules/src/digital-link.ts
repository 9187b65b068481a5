// digital-link.js ships no type declarations. Rather than a global ambient `declare module` (which a
// consumer's tsconfig would not pick up), the small surface scan-code.ts uses is typed here.

/** A parsed GS1 Digital Link (subset of digital-link.js's instance API). */
export interface DigitalLinkInstance {
  getDomain(): string;
  getIdentifier(): Record<string, string>;
  getKeyQualifiers(): Record<string, string>;
  /** GS1 Digital Link grammar check plus check-digit check. */
  isValid(): boolean;
  isCheckDigitValid(): boolean;
  toWebUriString(): string;
}

interface DigitalLinkModule {
  /** Parses a (possibly compressed) Digital Link URI; throws on input it cannot parse. */
  DigitalLink(input: string): DigitalLinkInstance;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const digitalLinkJs = require('digital-link.js') as DigitalLinkModule;

/**
 * Parses a GS1 Digital Link URI with digital-link.js (internal; not exported from the package).
 *
 * @param uri - http(s) URI, uncompressed or compressed
 * @returns the parsed link
 * @throws Error when digital-link.js cannot parse it
 */
export function parseDigitalLink(uri: string): DigitalLinkInstance {
  return digitalLinkJs.DigitalLink(uri);
}
