// Minimal typings for the parts of digital-link.js (untyped CommonJS) used by scan-code.ts.
declare module 'digital-link.js' {
  /** A parsed GS1 Digital Link. */
  export interface DigitalLinkInstance {
    getDomain(): string;
    getIdentifier(): Record<string, string>;
    getKeyQualifiers(): Record<string, string>;
    isValid(): boolean;
    isCheckDigitValid(): boolean;
    toWebUriString(): string;
  }
  /** Parses a (possibly compressed) Digital Link URI; throws on input it cannot parse. */
  export function DigitalLink(input: string): DigitalLinkInstance;
}
