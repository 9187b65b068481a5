// Hostile and careless input at the HTTP edge (DESIGN §4): every request gets its 4xx with the contract's error shape
// `{"error": {code, message, details}}`, details naming the bad fields, never a 500 — and nothing is written: the
// scans and the admin view afterwards show no store, product or coupon from a refused request.
import { RunningStack, startStack } from '@coupons/testing';
import { Api, detailFields, expectError, jwtPayload, postLarge, signHs256 } from './support/http';

const STORE = 'bi-store';
const PRODUCT = { sku: 'bi-milk', name: 'Milk', price: 1500, gtin: '6901234000016', category: 'dairy', brand: 'Acme' };
/** A GTIN no refused request may leave behind. */
const GHOST_GTIN = '6920001000059';
const validCoupon = () => ({
  title: 'Valid shape',
  discount: { type: 'AMOUNT_OFF', amount: 100 },
  target: { skus: [PRODUCT.sku] },
  totalQuantity: 10,
});

describe('bad input at the gateway', () => {
  let stack: RunningStack;
  let anonymous: Api;
  let merchant: Api;
  let customer: Api;
  let merchantToken: string;

  beforeAll(async () => {
    stack = await startStack();
    anonymous = new Api(stack.gatewayUrl);
    merchantToken = await stack.devToken('bi-merchant', ['merchant']);
    merchant = anonymous.as(merchantToken);
    customer = anonymous.as(await stack.devToken('bi-customer', ['customer']));
    expect((await merchant.put(`/v1/admin/stores/${STORE}`, { name: 'Store' })).status).toBe(200);
    const { sku, ...p } = PRODUCT;
    expect((await merchant.put(`/v1/admin/products/${sku}`, p)).status).toBe(200);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('malformed bodies', () => {
    it.each([
      ['truncated JSON', '{"title": "x",'],
      ['not JSON at all', 'title=x&amount=1'],
      ['a JSON string', '"just a string"'],
      ['a JSON array', '[1, 2, 3]'],
      ['null', 'null'],
    ])('refuses %s with 400', async (_name, raw) => {
      expectError(await merchant.send('POST', '/v1/admin/coupons', raw), 400);
    });

    // 512 KB: eight times the gateway's default limit, yet small enough to be sent whole before the server answers
    // and closes (with multi-megabyte bodies the client may see the connection reset instead of the 413).
    it('refuses a body over the size limit with 413', async () => {
      const huge = JSON.stringify({ ...validCoupon(), title: 'x'.repeat(512 * 1024) });
      expectError(await postLarge(stack.gatewayUrl, '/v1/admin/coupons', huge, merchantToken), 413);
    });

    it('refuses a huge scan body with 413', async () => {
      expectError(await postLarge(stack.gatewayUrl, '/v1/scans', JSON.stringify({ code: '1'.repeat(512 * 1024) })), 413);
    });
  });

  describe('field validation names each bad field', () => {
    it.each<[string, Record<string, unknown>, string[]]>([
      ['wrong types', { ...validCoupon(), title: 42, totalQuantity: '10' }, ['title', 'totalQuantity']],
      ['an unknown field', { ...validCoupon(), sneaky: true }, ['sneaky']],
      ['a negative amount', { ...validCoupon(), discount: { type: 'AMOUNT_OFF', amount: -1 } }, ['amount']],
      ['a fractional amount', { ...validCoupon(), discount: { type: 'AMOUNT_OFF', amount: 1.5 } }, ['amount']],
      ['percent 0', { ...validCoupon(), discount: { type: 'PERCENT_OFF', percent: 0 } }, ['percent']],
      ['percent 101', { ...validCoupon(), discount: { type: 'PERCENT_OFF', percent: 101 } }, ['percent']],
      ['an unknown discount type', { ...validCoupon(), discount: { type: 'BOGO', amount: 1 } }, ['type']],
      ['totalQuantity 0', { ...validCoupon(), totalQuantity: 0 }, ['totalQuantity']],
      ['perUserLimit 0', { ...validCoupon(), perUserLimit: 0 }, ['perUserLimit']],
      ['a negative minSpend', { ...validCoupon(), minSpend: -100 }, ['minSpend']],
      ['a missing title', { discount: { type: 'AMOUNT_OFF', amount: 100 }, totalQuantity: 10 }, ['title']],
    ])('coupon with %s', async (_name, body, fields) => {
      const err = expectError(await merchant.post('/v1/admin/coupons', body), 400);
      const named = detailFields(err).join(' ');
      for (const f of fields) expect(named).toContain(f);
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['a bad GTIN check digit', { name: 'Ghost', price: 100, gtin: '6920001000050' }, ['gtin']],
      ['a price as a string', { name: 'Ghost', price: '100', gtin: GHOST_GTIN }, ['price']],
      ['a negative price', { name: 'Ghost', price: -1, gtin: GHOST_GTIN }, ['price']],
      ['a fractional price', { name: 'Ghost', price: 9.99, gtin: GHOST_GTIN }, ['price']],
      ['an unknown field', { name: 'Ghost', price: 100, gtin: GHOST_GTIN, colour: 'red' }, ['colour']],
      ['a numeric name', { name: 7, price: 100, gtin: GHOST_GTIN }, ['name']],
    ])('product with %s', async (_name, body, fields) => {
      const err = expectError(await merchant.put('/v1/admin/products/bi-ghost', body), 400);
      const named = detailFields(err).join(' ');
      for (const f of fields) expect(named).toContain(f);
    });

    it('store with a wrong type', async () => {
      const err = expectError(await merchant.put('/v1/admin/stores/bi-ghost-store', { name: ['a'] }), 400);
      expect(detailFields(err).join(' ')).toContain('name');
    });

    it('displays with an item missing its sku', async () => {
      const err = expectError(await merchant.put(`/v1/admin/stores/${STORE}/displays`, { items: [{ headline: 'x' }] }), 400);
      expect(detailFields(err).join(' ')).toContain('sku');
    });

    it('a coupon status outside ACTIVE/PAUSED/ENDED', async () => {
      const created = await merchant.post('/v1/admin/coupons', { ...validCoupon(), title: 'Status target' });
      expect(created.status).toBe(201);
      const err = expectError(await merchant.patch(`/v1/admin/coupons/${created.body.couponId}`, { status: 'DELETED' }), 400);
      expect(detailFields(err).join(' ')).toContain('status');
      expect((await merchant.get(`/v1/admin/coupons/${created.body.couponId}`)).body.status).toBe('ACTIVE');
    });
  });

  describe('scan codes', () => {
    it.each([
      ['a bad check digit', { code: '6901234000017' }],
      ['a GTIN of a wrong length', { code: '69012340000' }],
      ['letters', { code: 'ABCDEFGHIJKLM' }],
      ['a Digital Link without a GTIN', { code: 'https://id.example.com/01/' }],
      ['a Digital Link with a bad check digit', { code: 'https://id.example.com/01/06901234000017' }],
    ])('refuses %s with 400 INVALID_CODE', async (_name, body) => {
      expectError(await anonymous.post('/v1/scans', body), 400, 'INVALID_CODE');
    });

    it.each([
      ['a numeric code', { code: 6901234000016 }, 'code'],
      ['a missing code', { storeId: STORE }, 'code'],
      ['an empty code', { code: '' }, 'code'],
      ['an object as storeId', { code: PRODUCT.gtin, storeId: { $ne: null } }, 'storeId'],
      ['an unknown field', { code: PRODUCT.gtin, userId: 'someone-else' }, 'userId'],
    ])('refuses %s with 400 naming the field', async (_name, body, field) => {
      const err = expectError(await anonymous.post('/v1/scans', body), 400);
      expect(detailFields(err).join(' ')).toContain(field);
    });
  });

  describe('authentication and roles', () => {
    const forged = () => ({
      'no token': undefined,
      'a token signed with another secret': signHs256({ ...jwtPayload(merchantToken), roles: ['merchant'] }, 'not-the-secret'),
      'an unsigned token (alg none)': `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(jwtPayload(merchantToken))).toString('base64url')}.`,
      'a merchant token with its payload edited': (() => {
        const [h, , s] = merchantToken.split('.');
        const p = Buffer.from(JSON.stringify({ ...jwtPayload(merchantToken), sub: 'bi-intruder' })).toString('base64url');
        return `${h}.${p}.${s}`;
      })(),
      'an expired token': signHs256({ ...jwtPayload(merchantToken), exp: Math.floor(Date.now() / 1000) - 3600 }, stack.jwtSecret),
      'garbage': 'not.a.jwt',
    });

    it('refuses admin calls without a valid token with 401', async () => {
      for (const [name, token] of Object.entries(forged())) {
        const res = await anonymous.as(token).post('/v1/admin/coupons', { ...validCoupon(), title: `Forged: ${name}` });
        try {
          expectError(res, 401);
        } catch (e) {
          throw new Error(`${name}: ${(e as Error).message}`);
        }
      }
    });

    it('refuses a wrong scheme in the Authorization header with 401', async () => {
      expectError(await anonymous.send('POST', '/v1/admin/coupons', JSON.stringify(validCoupon()), { authorization: `Basic ${merchantToken}` }), 401);
    });

    it('refuses a customer on every admin endpoint with 403', async () => {
      expectError(await customer.put('/v1/admin/stores/bi-customer-store', { name: 'Mine now' }), 403);
      expectError(await customer.put('/v1/admin/products/bi-customer-sku', { name: 'Mine', price: 1, gtin: GHOST_GTIN }), 403);
      expectError(await customer.post('/v1/admin/coupons', { ...validCoupon(), title: 'Customer-made' }), 403);
      expectError(await customer.put(`/v1/admin/stores/${STORE}/displays`, { items: [] }), 403);
      expectError(await customer.get('/v1/admin/coupons/anything'), 403);
      expectError(await customer.patch('/v1/admin/coupons/anything', { status: 'PAUSED' }), 403);
    });

    it('refuses a claim without a token with 401', async () => {
      expectError(await anonymous.post('/v1/claims', { couponId: 'anything' }), 401);
    });

    it('refuses the admin view of an unknown coupon with 404', async () => {
      expectError(await merchant.get('/v1/admin/coupons/no-such-coupon'), 404);
    });
  });

  it('wrote nothing for any refused request', async () => {
    // No coupon: the only coupon that targets the product is the one created in the status test.
    const scan = await anonymous.post('/v1/scans', { code: PRODUCT.gtin, storeId: STORE });
    expect(scan.status).toBe(200);
    expect(scan.body.coupons.map((c: any) => c.title)).toEqual(['Status target']);
    // No product from the refused product requests.
    const ghost = await anonymous.post('/v1/scans', { code: GHOST_GTIN });
    expect(ghost.status).toBe(200);
    expect(ghost.body.product).toBeNull();
    const qrSku = await anonymous.post('/v1/scans', { code: `https://shop.example.cn/s/${STORE}?sku=bi-ghost` });
    expect(qrSku.body?.product ?? null).toBeNull();
    const customerSku = await anonymous.post('/v1/scans', { code: `https://shop.example.cn/s/${STORE}?sku=bi-customer-sku` });
    expect(customerSku.body?.product ?? null).toBeNull();
    // The store keeps its name and no displays (the customer's empty list was refused; none were ever set).
    expect(scan.body.displays).toEqual([]);
    // The gateway is still healthy after all of it.
    expect((await fetch(`${stack.gatewayUrl}/health`)).status).toBe(200);
  });
});
