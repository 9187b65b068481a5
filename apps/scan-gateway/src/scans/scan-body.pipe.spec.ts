import { ApiError } from '../errors/api-error';
import { gatewayValidationPipe } from '../errors/validation';
import { ScanRequest } from './dto/scan.dto';
import { ScanBodyPipe, isPlainScanBody } from './scan-body.pipe';

const full = gatewayValidationPipe();
const viaFullPipe = async (value: unknown) => {
  try {
    return { ok: true, value: { ...(await full.transform(value, { type: 'body', metatype: ScanRequest })) } };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { ok: false, details: err.details };
  }
};

describe('ScanBodyPipe', () => {
  const sut = new ScanBodyPipe();
  const bodies: Array<[string, unknown, boolean]> = [
    ['a GTIN', { code: '6901234567892' }, true],
    ['a GTIN and a store', { code: '6901234567892', storeId: 'store-1' }, true],
    ['a store QR', { code: 'https://qr.example.com/s/store-1?gtin=6901234567892' }, true],
    ['an empty code', { code: '' }, false],
    ['a code too long', { code: '1'.repeat(5000) }, false],
    ['a numeric code', { code: 6901234567892 }, false],
    ['a non-ASCII code (lengths differ by rule)', { code: 'https://例え.jp/01/06901234567892' }, false],
    ['a store id with a space', { code: '6901234567892', storeId: 'store 1' }, false],
    ['a null store id', { code: '6901234567892', storeId: null }, false],
    ['an unknown field', { code: '6901234567892', extra: 1 }, false],
    ['no code', { storeId: 'store-1' }, false],
    ['an empty object', {}, false],
  ];

  it.each(bodies)('%s: the fast path is taken only where the full rules accept, with the same result', async (_, body, plain) => {
    expect(isPlainScanBody(body)).toBe(plain);
    const expected = await viaFullPipe(body);
    if (plain) expect(expected).toEqual({ ok: true, value: body });
    let got: unknown;
    try {
      got = { ok: true, value: { ...(await sut.transform(body)) } };
    } catch (err) {
      got = { ok: false, details: (err as ApiError).details };
    }
    expect(got).toEqual(expected);
  });
});
