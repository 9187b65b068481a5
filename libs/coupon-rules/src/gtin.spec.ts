import { isValidGtin, toGtin14 } from './gtin';

describe('GTIN validation and normalization', () => {
  it.each([
    ['GTIN-8', '96385074', '00000096385074'],
    ['GTIN-8 (2)', '12345670', '00000012345670'],
    ['GTIN-12 (UPC-A)', '036000291452', '00036000291452'],
    ['GTIN-13 (EAN-13)', '4006381333931', '04006381333931'],
    ['GTIN-13 with leading zero', '0012345678905', '00012345678905'],
    ['GTIN-13 GS1 example', '9506000134352', '09506000134352'],
    ['GTIN-14', '10012345678902', '10012345678902'],
    ['GTIN-14 already padded', '09506000134352', '09506000134352'],
    ['all zeros (check digit 0)', '00000000', '00000000000000'],
  ])('%s %s → %s', (_name, gtin, expected) => {
    expect(toGtin14(gtin)).toBe(expected);
    expect(isValidGtin(gtin)).toBe(expected !== null);
  });

  it.each([
    ['bad check digit GTIN-8', '96385075'],
    ['bad check digit GTIN-12', '036000291453'],
    ['bad check digit GTIN-13', '4006381333932'],
    ['bad check digit GTIN-14', '10012345678903'],
    ['empty', ''],
    ['7 digits', '9638507'],
    ['9 digits', '963850740'],
    ['10 digits', '0012345678'],
    ['11 digits', '01234567890'],
    ['15 digits', '100123456789020'],
    ['letters', '9638507A'],
    ['leading space', ' 96385074'],
    ['trailing newline', '96385074\n'],
    ['dashes', '400-6381-333931'],
    ['full-width digits', '９６３８５０７４'],
    ['Arabic-Indic digits', '٩٦٣٨٥٠٧٤'],
    ['sign', '+96385074'],
  ])('rejects %s (%p)', (_name, gtin) => {
    expect(isValidGtin(gtin)).toBe(false);
    expect(toGtin14(gtin)).toBeNull();
  });

  it.each([undefined, null, 96385074])('isValidGtin(%p) is false for non-strings', (value) => {
    expect(isValidGtin(value as unknown as string)).toBe(false);
  });
});
