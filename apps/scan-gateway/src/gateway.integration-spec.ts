import { Headers, Topics } from '@coupons/contracts';
import { GatewayHarness, HttpOptions, startHarness } from '../test/gateway-harness';

jest.setTimeout(60_000);

let h: GatewayHarness;
let merchant: string;
let customer: string;
const http = (method: string, path: string, opts?: HttpOptions) => h.http(method, path, opts);

beforeAll(async () => {
  h = await startHarness();
  merchant = await h.token('m-1', ['merchant']);
  customer = await h.token('u-1');
});

afterAll(async () => {
  await h?.stop();
});

describe('scan-gateway over a real broker', () => {
  it('reports healthy with Kafka, the outcome listener and the query client ready', async () => {
    const res = await http('GET', '/health');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok', checks: { kafka: 'ok', 'outcome-listener': 'ok', 'scan-read-model': 'ok', 'query-client': 'ok' } } });
  });

  it('upserts a store: command keyed by storeId with type and correlation headers, answered by its outcome event', async () => {
    const res = await http('PUT', '/v1/admin/stores/store-1', { body: { name: 'Downtown' }, token: merchant, headers: { 'x-correlation-id': 'corr-store-1' } });
    expect(res).toMatchObject({ status: 200, body: { storeId: 'store-1', name: 'Downtown' } });
    expect(res.headers.get('x-correlation-id')).toBe('corr-store-1');
    const cmd = h.catalog.commands.find((c) => c.envelope.type === 'UpsertStore' && c.envelope.payload.storeId === 'store-1')!;
    expect(cmd.key).toBe('store-1');
    expect(cmd.envelope).toMatchObject({ aggregateId: 'store-1', correlationId: 'corr-store-1', causationId: null, version: 1 });
    expect(cmd.headers).toMatchObject({ [Headers.type]: 'UpsertStore', [Headers.version]: '1', [Headers.correlationId]: 'corr-store-1' });
  });

  it('gives a request without x-correlation-id one, the same in the response header and the command', async () => {
    const res = await http('PUT', '/v1/admin/stores/store-2', { body: { name: 'Uptown' }, token: merchant });
    expect(res.status).toBe(200);
    const id = res.headers.get('x-correlation-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const cmd = h.catalog.commands.find((c) => c.envelope.type === 'UpsertStore' && c.envelope.payload.storeId === 'store-2')!;
    expect(cmd.envelope.correlationId).toBe(id);
    expect(cmd.headers[Headers.correlationId]).toBe(id);
  });

  it('upserts a product with its GTIN stored as GTIN-14', async () => {
    const res = await http('PUT', '/v1/admin/products/sku-cola', { body: { name: 'Cola', price: 350, gtin: '6901234567892', category: 'drinks' }, token: merchant });
    expect(res).toMatchObject({
      status: 200,
      body: { sku: 'sku-cola', name: 'Cola', price: 350, currency: 'CNY', gtin: '06901234567892', category: 'drinks', brand: null },
    });
    const cmd = h.catalog.commands.find((c) => c.envelope.type === 'UpsertProduct')!;
    expect(cmd.envelope.payload.gtin).toBe('06901234567892');
    expect(cmd.key).toBe('sku-cola');
  });

  let couponId: string;
  it('creates a coupon with a gateway-assigned id and the defaults, 201 with the admin view', async () => {
    const res = await http('POST', '/v1/admin/coupons', {
      body: { title: '15% off drinks', discount: { type: 'PERCENT_OFF', percent: 15 }, totalQuantity: 100, target: { categories: ['drinks'] }, validDaysAfterClaim: 7 },
      token: merchant,
    });
    expect(res.status).toBe(201);
    couponId = res.body.couponId;
    expect(couponId).toMatch(/^cpn_/);
    expect(res.body).toMatchObject({
      title: '15% off drinks', discount: { type: 'PERCENT_OFF', percent: 15 }, minSpend: 0, target: { categories: ['drinks'] }, storeIds: [],
      totalQuantity: 100, perUserLimit: 1, priority: 0, status: 'ACTIVE', issued: 0, redeemed: 0, validDaysAfterClaim: 7, validUntil: null,
    });
    expect(h.catalog.commands.find((c) => c.envelope.type === 'CreateCoupon')?.key).toBe(couponId);
  });

  it('reads the coupon back through the getCoupon query, and 404s an unknown one', async () => {
    expect(await http('GET', `/v1/admin/coupons/${couponId}`, { token: merchant })).toMatchObject({ status: 200, body: { couponId, issued: 0, status: 'ACTIVE' } });
    expect(await http('GET', '/v1/admin/coupons/cpn_nope', { token: merchant })).toMatchObject({ status: 404, body: { error: { code: 'COUPON_NOT_FOUND' } } });
  });

  it('pauses a coupon and answers the updated view; an unknown coupon is the catalog\'s 404', async () => {
    expect(await http('PATCH', `/v1/admin/coupons/${couponId}`, { body: { status: 'PAUSED' }, token: merchant })).toMatchObject({
      status: 200, body: { couponId, status: 'PAUSED' },
    });
    expect(await http('PATCH', '/v1/admin/coupons/cpn_nope', { body: { status: 'PAUSED' }, token: merchant })).toMatchObject({
      status: 404, body: { error: { code: 'COUPON_NOT_FOUND', message: expect.any(String), details: [] } },
    });
  });

  it('sets store displays; a rejection carries its status and code', async () => {
    expect(await http('PUT', '/v1/admin/stores/store-1/displays', { body: { items: [{ sku: 'sku-cola', headline: 'Cold!' }] }, token: merchant })).toMatchObject({
      status: 200, body: { storeId: 'store-1', items: [{ sku: 'sku-cola', headline: 'Cold!' }] },
    });
    expect(await http('PUT', '/v1/admin/stores/store-1/displays', { body: { items: [{ sku: 'ghost', headline: 'x' }] }, token: merchant })).toMatchObject({
      status: 422, body: { error: { code: 'UNKNOWN_SKU' } },
    });
  });

  it('creates one coupon for one Idempotency-Key, however often the request is repeated', async () => {
    const before = h.catalog.commands.filter((c) => c.envelope.type === 'CreateCoupon').length;
    const request = { body: { title: '1 off', discount: { type: 'AMOUNT_OFF', amount: 100 }, totalQuantity: 5 }, token: merchant, headers: { 'idempotency-key': 'promo-42' } };
    const first = await http('POST', '/v1/admin/coupons', request);
    const second = await http('POST', '/v1/admin/coupons', request);
    expect(first.status).toBe(201);
    expect(second).toMatchObject({ status: 201, body: { couponId: first.body.couponId } });
    expect(h.catalog.commands.filter((c) => c.envelope.type === 'CreateCoupon').length).toBe(before + 1);
  });

  it('answers a scan from its read model of the catalog events, without asking the catalog: GTIN-13 found as GTIN-14', async () => {
    const queriesBefore = h.catalog.queries.length;
    const res = await http('POST', '/v1/scans', { body: { code: '6901234567892', storeId: 'store-1' }, headers: { 'x-correlation-id': 'corr-scan' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      product: { sku: 'sku-cola', gtin: '06901234567892', name: 'Cola', price: 350, currency: 'CNY' },
      storeId: 'store-1',
      displays: [{ sku: 'sku-cola', name: 'Cola', headline: 'Cold!', price: 350, currency: 'CNY' }],
    });
    // The paused drinks coupon is not offered; the whole-order coupon from the Idempotency-Key test is.
    expect(res.body.coupons.map((c: { title: string }) => c.title)).toEqual(['1 off']);
    expect(res.body.best).toMatchObject({ title: '1 off', remaining: 5, matchScore: 0, claimableUntil: null });
    expect(Object.keys(res.body).sort()).toEqual(['best', 'coupons', 'displays', 'product', 'storeId']);
    expect(h.catalog.queries.length).toBe(queriesBefore);
  });

  it('takes the store from a store QR, and answers 200 with product null for an unknown product (an unknown store is no store)', async () => {
    const res = await http('POST', '/v1/scans', { body: { code: 'https://shop.example/s/store-9?gtin=96385074' }, token: customer });
    expect(res).toMatchObject({ status: 200, body: { product: null, storeId: null } });
    const known = await http('POST', '/v1/scans', { body: { code: 'https://shop.example/s/store-2?gtin=96385074' }, token: customer });
    expect(known).toMatchObject({ status: 200, body: { product: null, storeId: 'store-2', displays: [] } });
  });

  it('answers 503 UNAVAILABLE when the catalog does not confirm in time', async () => {
    h.catalog.silent = true;
    try {
      const res = await http('PUT', '/v1/admin/stores/store-slow', { body: { name: 'Slow' }, token: merchant });
      expect(res).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE' } } });
    } finally {
      h.catalog.silent = false;
    }
  });

  describe('bad input gets its 4xx and publishes nothing', () => {
    let before: number;
    beforeAll(async () => {
      // Let earlier commands settle so the count below only moves if a bad request publishes.
      await new Promise((r) => setTimeout(r, 300));
      before = await h.messagesOn(Topics.catalogCommands);
    });
    afterAll(async () => {
      await new Promise((r) => setTimeout(r, 300));
      expect(await h.messagesOn(Topics.catalogCommands)).toBe(before);
    });

    const forged = () => merchant.slice(0, merchant.lastIndexOf('.') + 1) + 'AAAA' + merchant.slice(merchant.lastIndexOf('.') + 5);

    it.each([
      ['malformed JSON', () => ['PUT', '/v1/admin/stores/s', { raw: '{"name": "x"', token: merchant }], 400, 'INVALID_JSON'],
      ['an empty JSON body', () => ['PUT', '/v1/admin/stores/s', { raw: '', token: merchant, headers: { 'content-type': 'application/json' } }], 400, 'VALIDATION_FAILED'],
      ['a JSON array body', () => ['PUT', '/v1/admin/stores/s', { body: [{ name: 'x' }], token: merchant }], 400, 'VALIDATION_FAILED'],
      ['text/plain', () => ['PUT', '/v1/admin/stores/s', { raw: 'name=x', token: merchant, headers: { 'content-type': 'text/plain' } }], 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['a form body', () => ['PUT', '/v1/admin/stores/s', { raw: 'name=x', token: merchant, headers: { 'content-type': 'application/x-www-form-urlencoded' } }], 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['a string price', () => ['PUT', '/v1/admin/products/p', { body: { name: 'x', price: '350' }, token: merchant }], 400, 'VALIDATION_FAILED'],
      ['an unknown field', () => ['PUT', '/v1/admin/stores/s', { body: { name: 'x', owner: 'me' }, token: merchant }], 400, 'VALIDATION_FAILED'],
      ['a bad GTIN check digit', () => ['PUT', '/v1/admin/products/p', { body: { name: 'x', price: 1, gtin: '6901234567891' }, token: merchant }], 400, 'VALIDATION_FAILED'],
      ['percent 101', () => ['POST', '/v1/admin/coupons', { body: { title: 't', discount: { type: 'PERCENT_OFF', percent: 101 }, totalQuantity: 1 }, token: merchant }], 400, 'VALIDATION_FAILED'],
      ['claimableFrom after claimableUntil', () => ['POST', '/v1/admin/coupons', {
        body: { title: 't', discount: { type: 'AMOUNT_OFF', amount: 1 }, totalQuantity: 1, claimableFrom: '2026-02-01T00:00:00Z', claimableUntil: '2026-01-01T00:00:00Z' }, token: merchant,
      }], 400, 'VALIDATION_FAILED'],
      ['both validDaysAfterClaim and validUntil', () => ['POST', '/v1/admin/coupons', {
        body: { title: 't', discount: { type: 'AMOUNT_OFF', amount: 1 }, totalQuantity: 1, validDaysAfterClaim: 3, validUntil: '2027-01-01T00:00:00Z' }, token: merchant,
      }], 400, 'VALIDATION_FAILED'],
      ['a bad status', () => ['PATCH', `/v1/admin/coupons/${couponId}`, { body: { status: 'GONE' }, token: merchant }], 400, 'VALIDATION_FAILED'],
      ['an id with a space', () => ['PUT', '/v1/admin/stores/a%20b', { body: { name: 'x' }, token: merchant }], 400, 'VALIDATION_FAILED'],
      ['a body over the limit', () => ['PUT', '/v1/admin/stores/s', { body: { name: 'x'.repeat(10_000) }, token: merchant }], 413, 'PAYLOAD_TOO_LARGE'],
      ['no token', () => ['PUT', '/v1/admin/stores/s', { body: { name: 'x' } }], 401, 'UNAUTHORIZED'],
      ['a forged token', () => ['PUT', '/v1/admin/stores/s', { body: { name: 'x' }, token: forged() }], 401, 'UNAUTHORIZED'],
      ['a customer on an admin endpoint', () => ['PUT', '/v1/admin/stores/s', { body: { name: 'x' }, token: customer }], 403, 'FORBIDDEN'],
      ['a customer creating a coupon', () => ['POST', '/v1/admin/coupons', { body: { title: 't', discount: { type: 'AMOUNT_OFF', amount: 1 }, totalQuantity: 1 }, token: customer }], 403, 'FORBIDDEN'],
      ['an unreadable scan code', () => ['POST', '/v1/scans', { body: { code: 'hello' } }], 400, 'INVALID_CODE'],
      ['a scan with a bad check digit', () => ['POST', '/v1/scans', { body: { code: '6901234567891' } }], 400, 'INVALID_CODE'],
      ['a store QR for another store', () => ['POST', '/v1/scans', { body: { code: 'https://x.example/s/store-2', storeId: 'store-1' } }], 400, 'VALIDATION_FAILED'],
      ['an unknown route', () => ['GET', '/v1/nothing-here', {}], 404, 'NOT_FOUND'],
      ['a malformed URL', () => ['PUT', '/v1/admin/stores/%ZZ', { body: { name: 'x' }, token: merchant }], 400, 'INVALID_URL'],
      ['an over-long path parameter', () => ['PUT', `/v1/admin/stores/${'s'.repeat(500)}`, { body: { name: 'x' }, token: merchant }], 400, 'VALIDATION_FAILED'],
      ['a wrong method', () => ['DELETE', '/v1/admin/stores/s', { token: merchant }], 404, 'NOT_FOUND'],
    ])('%s', async (_, request, status, code) => {
      const [method, path, opts] = request() as [string, string, Parameters<typeof http>[2]];
      const res = await http(method, path, opts);
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
    });

    it('names each bad field', async () => {
      const res = await http('POST', '/v1/admin/coupons', {
        body: { title: '', discount: { type: 'PERCENT_OFF', percent: 0, amount: 3 }, totalQuantity: 0, perUserLimit: 1.5, extra: true }, token: merchant,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(
        ['discount.amount', 'discount.percent', 'extra', 'perUserLimit', 'title', 'totalQuantity'],
      );
    });
  });

  it('refuses dev tokens with a bad body', async () => {
    expect(await http('POST', '/v1/auth/dev-token', { body: { userId: 'a b' } })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });

  it('serves its OpenAPI document', async () => {
    const res = await http('GET', '/docs/json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/v1/admin/coupons', '/v1/scans', '/v1/admin/stores/{storeId}/displays']));
    // The coupon edit documents its body and each refusal code.
    const edit = res.body.paths['/v1/admin/coupons/{couponId}'].patch;
    expect(Object.keys(edit.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '409', '422']));
    expect(edit.responses['409'].description).toMatch(/BELOW_ISSUED.*COUPON_ENDED/);
    expect(edit.responses['422'].description).toMatch(/CLAIMABLE_UNTIL_EARLIER.*LIMIT_LOWERED/);
    expect(Object.keys(res.body.components.schemas.UpdateCouponRequest.properties)).toEqual(
      expect.arrayContaining(['title', 'priority', 'claimableUntil', 'perUserLimit', 'totalQuantity', 'status']),
    );
    expect((await fetch(`${h.base}/docs`)).status).toBe(200);
  });

  it('documents the merchant lists and the tenancy errors in the OpenAPI document', async () => {
    const { paths } = (await http('GET', '/docs/json')).body;
    for (const path of ['/v1/admin/stores', '/v1/admin/products', '/v1/admin/coupons']) {
      expect(paths[path].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['limit', 'cursor', 'q']));
      expect(Object.keys(paths[path].get.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
    }
    expect(paths['/v1/admin/products'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['category', 'brand']));
    expect(paths['/v1/admin/coupons'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['status', 'storeId']));
    expect(paths['/v1/admin/stores/{storeId}'].put.responses['409'].description).toMatch(/STORE_ID_TAKEN/);
    expect(paths['/v1/admin/stores/{storeId}/displays'].put.responses['404'].description).toMatch(/PRODUCT_NOT_FOUND/);
    expect(paths['/v1/admin/coupons'].post.responses['404'].description).toMatch(/STORE_NOT_FOUND.*PRODUCT_NOT_FOUND/);
    expect(paths['/v1/admin/coupons/{couponId}'].get.responses['404'].description).toMatch(/COUPON_NOT_FOUND/);
  });

  it('serves Prometheus metrics', async () => {
    const res = await http('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.body).toContain('http_request_duration_seconds');
  });
});
