import { decodeDigitalLinkWithLibrary, decodeScanCode as sut, ScanCodeError, ScanCodeResult } from './scan-code';

const GTIN14 = '09506000134352';

describe('decodeScanCode', () => {
  describe('bare GTINs', () => {
    it.each<[string, string, ScanCodeResult]>([
      ['GTIN-8', '96385074', { ok: true, kind: 'GTIN', gtin: '00000096385074' }],
      ['GTIN-12', '036000291452', { ok: true, kind: 'GTIN', gtin: '00036000291452' }],
      ['GTIN-13', '9506000134352', { ok: true, kind: 'GTIN', gtin: GTIN14 }],
      ['GTIN-14', '10012345678902', { ok: true, kind: 'GTIN', gtin: '10012345678902' }],
      ['scanner suffix newline is trimmed', ' 96385074\r\n', { ok: true, kind: 'GTIN', gtin: '00000096385074' }],
      ['bad check digit GTIN-8', '96385075', { ok: false, reason: 'GTIN_BAD_CHECK_DIGIT' }],
      ['bad check digit GTIN-12', '036000291453', { ok: false, reason: 'GTIN_BAD_CHECK_DIGIT' }],
      ['bad check digit GTIN-13', '9506000134353', { ok: false, reason: 'GTIN_BAD_CHECK_DIGIT' }],
      ['bad check digit GTIN-14', '10012345678903', { ok: false, reason: 'GTIN_BAD_CHECK_DIGIT' }],
      ['7 digits', '9638507', { ok: false, reason: 'GTIN_BAD_LENGTH' }],
      ['10 digits', '0123456789', { ok: false, reason: 'GTIN_BAD_LENGTH' }],
      ['11 digits', '01234567890', { ok: false, reason: 'GTIN_BAD_LENGTH' }],
      ['15 digits', '100123456789020', { ok: false, reason: 'GTIN_BAD_LENGTH' }],
      ['letters', '9638507A', { ok: false, reason: 'UNRECOGNIZED' }],
      ['digits with dashes', '4006-381-333931', { ok: false, reason: 'UNRECOGNIZED' }],
      ['full-width digits', '９６３８５０７４', { ok: false, reason: 'UNRECOGNIZED' }],
      ['empty string', '', { ok: false, reason: 'EMPTY' }],
      ['whitespace only', '  \n', { ok: false, reason: 'EMPTY' }],
      ['too long', '1'.repeat(3000), { ok: false, reason: 'TOO_LONG' }],
    ])('%s', (_name, code, expected) => {
      expect(sut(code)).toEqual(expected);
    });
  });

  describe('GS1 Digital Link', () => {
    it.each<[string, string]>([
      ['canonical GTIN-14', `https://id.gs1.org/01/${GTIN14}`],
      ['any host', `https://brand.example.com/01/${GTIN14}`],
      ['http', `http://example.com/01/${GTIN14}`],
      ['upper-case scheme and host', `HTTPS://EXAMPLE.COM/01/${GTIN14}`],
      ['port', `https://example.com:8443/01/${GTIN14}`],
      ['GTIN-13 in link', 'https://example.com/01/9506000134352'],
      ['lot and serial', `https://example.com/01/${GTIN14}/10/ABC123/21/XYZ-9`],
      ['serial only', `https://example.com/01/${GTIN14}/21/12345`],
      ['consumer product variant, lot and serial', `https://example.com/01/${GTIN14}/22/2A/10/LOT1/21/S1`],
      ['query (linkType and other attributes)', `https://example.com/01/${GTIN14}?linkType=gs1:pip&17=261231&utm_source=shelf`],
      ['path prefix', `https://example.com/products/gs1/01/${GTIN14}/10/LOT1`],
      ['path prefix with odd segment count', `https://example.com/p/01/${GTIN14}`],
      ['trailing slash', `https://example.com/01/${GTIN14}/`],
      ['fragment ignored', `https://example.com/01/${GTIN14}#nutrition`],
      ['compressed form', 'https://id.gs1.org/CxFKk4XBoIdXg'],
    ])('%s', (_name, code) => {
      expect(sut(code)).toEqual({ ok: true, kind: 'DIGITAL_LINK', gtin: GTIN14 });
    });

    it.each<[string, string, ScanCodeResult]>([
      ['GTIN-8 in link', 'https://example.com/01/96385074', { ok: true, kind: 'DIGITAL_LINK', gtin: '00000096385074' }],
      ['GTIN-12 in link', 'https://example.com/01/036000291452/10/L1', { ok: true, kind: 'DIGITAL_LINK', gtin: '00036000291452' }],
      ['bad check digit', 'https://example.com/01/09506000134353', { ok: false, reason: 'INVALID_GTIN' }],
      ['bad check digit GTIN-13', 'https://example.com/01/9506000134353', { ok: false, reason: 'INVALID_GTIN' }],
      ['wrong length', 'https://example.com/01/0950600013435', { ok: false, reason: 'INVALID_GTIN' }],
      ['15 digits', 'https://example.com/01/095060001343520', { ok: false, reason: 'INVALID_GTIN' }],
      ['letters in GTIN', 'https://example.com/01/0950600013435X', { ok: false, reason: 'INVALID_GTIN' }],
      ['no GTIN value', 'https://example.com/01', { ok: false, reason: 'NOT_A_GTIN_DIGITAL_LINK' }],
      ['dangling qualifier', `https://example.com/01/${GTIN14}/10`, { ok: false, reason: 'NOT_A_GTIN_DIGITAL_LINK' }],
      ['other primary key (GLN)', 'https://example.com/414/9506000000000', { ok: false, reason: 'NOT_A_GTIN_DIGITAL_LINK' }],
      ['qualifiers out of standard order', `https://example.com/01/${GTIN14}/21/S1/10/LOT1`, { ok: false, reason: 'INVALID_DIGITAL_LINK' }],
      ['disallowed character in lot', `https://example.com/01/${GTIN14}/10/A~B`, { ok: false, reason: 'INVALID_DIGITAL_LINK' }],
    ])('%s', (_name, code, expected) => {
      expect(sut(code)).toEqual(expected);
    });
  });

  describe('plain GTIN links, answered without the grammar parser', () => {
    // mulberry32, so the generated links are the same on every run.
    let seed = 11;
    const random = () => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
    const withCheckDigit = (body: string) => {
      let sum = 0;
      for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
      return body + String((10 - (sum % 10)) % 10);
    };
    const hosts = ['id.gs1.org', 'brand.example.com', 'EXAMPLE.COM', 'a', 'a-.b', 'a..b', 'x.example:8443', '127.0.0.1', '127.0.0.1:80', 'xn--bcher-kva.example', '[::1]', 'id_x.example', 'u:p@example.com'];
    const links: string[] = [];
    for (const host of hosts) {
      for (const length of [8, 12, 13, 14]) {
        const gtin = withCheckDigit(digits(length - 1));
        const wrong = gtin.slice(0, -1) + String((Number(gtin.slice(-1)) + 1) % 10);
        links.push(`https://${host}/01/${gtin}`, `http://${host}/01/${wrong}`);
      }
      links.push(`https://${host}/01/${digits(11)}`, `https://${host}/01/${withCheckDigit(digits(13))}/`, `https://${host}/x/01/${withCheckDigit(digits(13))}`);
    }

    it('the generated links include valid ones of every host', () => {
      for (const host of hosts) expect(links.filter((c) => c.startsWith(`https://${host}/01/`) && sut(c).ok)).toHaveLength(5);
    });

    it.each(links)('%s: same answer as digital-link.js', (code) => {
      expect(sut(code)).toEqual(decodeDigitalLinkWithLibrary(new URL(code)));
    });
  });

  describe('store QR', () => {
    it.each<[string, string, ScanCodeResult]>([
      ['store only', 'https://coupons.example.com/s/store-42', { ok: true, kind: 'STORE_QR', storeId: 'store-42' }],
      ['http, trailing slash', 'http://x.example/s/S1/', { ok: true, kind: 'STORE_QR', storeId: 'S1' }],
      ['URL-decoded store id', 'https://x.example/s/shop%2B1%40mall', { ok: true, kind: 'STORE_QR', storeId: 'shop+1@mall' }],
      ['store id of 64 characters', `https://x.example/s/${'a'.repeat(64)}`, { ok: true, kind: 'STORE_QR', storeId: 'a'.repeat(64) }],
      ['with GTIN-13 → GTIN-14', 'https://x.example/s/S1?gtin=9506000134352', { ok: true, kind: 'STORE_QR', storeId: 'S1', gtin: GTIN14 }],
      ['with GTIN-8', 'https://x.example/s/S1?gtin=96385074', { ok: true, kind: 'STORE_QR', storeId: 'S1', gtin: '00000096385074' }],
      ['with sku', 'https://x.example/s/S1?sku=SKU-MILK', { ok: true, kind: 'STORE_QR', storeId: 'S1', sku: 'SKU-MILK' }],
      ['with encoded sku', 'https://x.example/s/S1?sku=A%2FB', { ok: true, kind: 'STORE_QR', storeId: 'S1', sku: 'A/B' }],
      ['other parameters ignored', 'https://x.example/s/S1?utm=poster&sku=K1', { ok: true, kind: 'STORE_QR', storeId: 'S1', sku: 'K1' }],
      ['empty gtin counts as absent', 'https://x.example/s/S1?gtin=&sku=K1', { ok: true, kind: 'STORE_QR', storeId: 'S1', sku: 'K1' }],
      ['bad gtin check digit', 'https://x.example/s/S1?gtin=9506000134353', { ok: false, reason: 'INVALID_GTIN' }],
      ['gtin with letters', 'https://x.example/s/S1?gtin=abc', { ok: false, reason: 'INVALID_GTIN' }],
      ['gtin and sku', 'https://x.example/s/S1?gtin=96385074&sku=K1', { ok: false, reason: 'AMBIGUOUS_STORE_QR' }],
      ['repeated sku', 'https://x.example/s/S1?sku=K1&sku=K2', { ok: false, reason: 'AMBIGUOUS_STORE_QR' }],
      ['sku with a space', 'https://x.example/s/S1?sku=A+B', { ok: false, reason: 'INVALID_SKU' }],
      ['sku too long', `https://x.example/s/S1?sku=${'k'.repeat(65)}`, { ok: false, reason: 'INVALID_SKU' }],
      ['store id of 65 characters', `https://x.example/s/${'a'.repeat(65)}`, { ok: false, reason: 'INVALID_STORE_ID' }],
      ['store id with control character', 'https://x.example/s/S%001', { ok: false, reason: 'INVALID_STORE_ID' }],
      ['store id with newline', 'https://x.example/s/S%0A1', { ok: false, reason: 'INVALID_STORE_ID' }],
      ['store id with space', 'https://x.example/s/S%201', { ok: false, reason: 'INVALID_STORE_ID' }],
      ['store id non-ASCII', 'https://x.example/s/%E5%BA%97', { ok: false, reason: 'INVALID_STORE_ID' }],
      ['malformed percent-encoding', 'https://x.example/s/S%ZZ', { ok: false, reason: 'INVALID_STORE_ID' }],
      ['invalid UTF-8 percent-encoding', 'https://x.example/s/S%FF', { ok: false, reason: 'INVALID_STORE_ID' }],
      ['missing store id', 'https://x.example/s/', { ok: false, reason: 'NOT_A_GTIN_DIGITAL_LINK' }],
      ['extra path segment', 'https://x.example/s/S1/extra', { ok: false, reason: 'NOT_A_GTIN_DIGITAL_LINK' }],
    ])('%s', (_name, code, expected) => {
      expect(sut(code)).toEqual(expected);
    });
  });

  describe('garbage', () => {
    it.each<[string, string, ScanCodeError]>([
      ['plain text', 'hello world', 'UNRECOGNIZED'],
      ['ftp URL', `ftp://example.com/01/${GTIN14}`, 'UNSUPPORTED_SCHEME'],
      ['javascript URL', 'javascript:alert(1)', 'UNSUPPORTED_SCHEME'],
      ['WeChat-style deep link', 'weixin://dl/business/?t=abc', 'UNSUPPORTED_SCHEME'],
      ['scheme only', 'https://', 'MALFORMED_URL'],
      ['bad host', 'https://exa mple.com/01/09506000134352', 'MALFORMED_URL'],
      ['unrelated site', 'https://example.com/', 'NOT_A_GTIN_DIGITAL_LINK'],
      ['unrelated page', 'https://example.com/about/us?x=1', 'NOT_A_GTIN_DIGITAL_LINK'],
      ['GTIN only in query', `https://example.com/?01=${GTIN14}`, 'NOT_A_GTIN_DIGITAL_LINK'],
    ])('%s', (_name, code, reason) => {
      expect(sut(code)).toEqual({ ok: false, reason });
    });

    it('never throws on non-string input', () => {
      expect(sut(undefined as unknown as string)).toEqual({ ok: false, reason: 'UNRECOGNIZED' });
    });
  });
});
