// Hostile bodies and headers at the gateway (issue 12): each gets its 4xx in the contract's format before anything
// walks the body, and no command is published.
import { Topics } from '@coupons/contracts';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { GatewayHarness, HttpOptions, startHarness } from '../test/gateway-harness';
import { startGateway } from './app.factory';
import { loadGatewayEnv } from './config/gateway.env';

jest.setTimeout(60_000);

let h: GatewayHarness;
let merchant: string;
let customer: string;
const http = (method: string, path: string, opts?: HttpOptions) => h.http(method, path, opts);
const nested = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels);
const contractError = (code: string) => ({ error: { code, message: expect.any(String), details: expect.any(Array) } });

/** Sends raw bytes and returns what the server wrote back before closing. */
function rawRequest(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let out = '';
    socket.on('data', (d) => (out += d.toString('utf8')));
    socket.on('close', () => resolve(out));
    socket.on('error', (e) => (out ? resolve(out) : reject(e)));
    setTimeout(() => socket.destroy(), 5000).unref();
  });
}

beforeAll(async () => {
  h = await startHarness({ BODY_LIMIT_BYTES: '65536' });
  merchant = await h.token('m-1', ['merchant']);
  customer = await h.token('u-1');
});

afterAll(async () => {
  await h?.stop();
});

describe('bodies past the parsing limits', () => {
  const topics = [Topics.catalogCommands, Topics.walletCommands, Topics.orderingCommands];
  let before: number[];
  beforeAll(async () => {
    before = await Promise.all(topics.map((t) => h.messagesOn(t)));
  });
  afterAll(async () => {
    await new Promise((r) => setTimeout(r, 300));
    expect(await Promise.all(topics.map((t) => h.messagesOn(t)))).toEqual(before);
  });

  const coupon = { title: 't', discount: { type: 'AMOUNT_OFF', amount: 1 }, totalQuantity: 1 };
  it.each([
    ['a 2,000-level array on a scan', 'POST', '/v1/scans', undefined, `{"code":"6901234000016","x":${nested(2000)}}`],
    ['a 9-level array on a scan', 'POST', '/v1/scans', undefined, `{"code":"6901234000016","x":${nested(8)}}`],
    ['a deep dev-token body', 'POST', '/v1/auth/dev-token', undefined, `{"userId":"u","roles":${nested(500, '"customer"')}}`],
    ['a deep claim', 'POST', '/v1/claims', 'customer', `{"couponId":${nested(1000, '"c"')}}`],
    ['a deep order', 'POST', '/v1/orders', 'customer', `{"storeId":"s","items":${nested(300, '{"sku":"a","quantity":1}')}}`],
    ['a deep coupon target', 'POST', '/v1/admin/coupons', 'merchant', JSON.stringify({ ...coupon, target: { skus: [] } }).replace('"skus":[]', `"skus":${nested(50)}`)],
    ['a deep coupon discount', 'POST', '/v1/admin/coupons', 'merchant', JSON.stringify({ ...coupon, discount: {} }).replace('"discount":{}', `"discount":${'{"a":'.repeat(40)}1${'}'.repeat(40)}`)],
    ['a deep object in a store', 'PUT', '/v1/admin/stores/s', 'merchant', `{"name":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`],
    ['a huge array', 'POST', '/v1/orders', 'customer', JSON.stringify({ storeId: 's', items: Array.from({ length: 5000 }, () => 1) })],
    ['an object with too many keys', 'POST', '/v1/scans', undefined, JSON.stringify(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])))],
    ['a __proto__ key', 'POST', '/v1/scans', undefined, '{"code":"6901234000016","__proto__":{"admin":true}}'],
    ['a constructor key', 'PUT', '/v1/admin/stores/s', 'merchant', '{"name":"x","constructor":{"prototype":{"a":1}}}'],
    ['a key with a space', 'POST', '/v1/claims', 'customer', '{"couponId":"c","a b":1}'],
    ['a key with a control character', 'POST', '/v1/claims', 'customer', '{"couponId":"c","a\\u0000":1}'],
  ])('%s is 400 VALIDATION_FAILED', async (_, method, path, who, raw) => {
    const token = who === 'merchant' ? merchant : who === 'customer' ? customer : undefined;
    const res = await http(method, path, { raw, token });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(contractError('VALIDATION_FAILED'));
  });

  it('still parses bodies within the limits', async () => {
    expect((await http('POST', '/v1/scans', { raw: `{"code":"6901234000016","storeId":"s"}` })).status).toBe(200);
    // 8 levels and 1,000 items parse; validation then names the unknown field.
    const res = await http('POST', '/v1/scans', { raw: `{"code":"6901234000016","x":${nested(7)},"y":[${Array(1000).fill(1)}]}` });
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['x', 'y']);
  });

  it.each([
    ['UTF-16', 'application/json; charset=utf-16'],
    ['Latin-1', 'application/json; charset=iso-8859-1'],
    ['a +json type', 'application/merge-patch+json'],
    ['JSON text', 'text/json'],
  ])('refuses a body declared as %s with 415', async (_, type) => {
    const res = await http('POST', '/v1/claims', { raw: '{"couponId":"c"}', token: customer, headers: { 'content-type': type } });
    expect(res.status).toBe(415);
    expect(res.body).toEqual(contractError('UNSUPPORTED_MEDIA_TYPE'));
  });

  it.each([
    ['no charset', 'application/json'],
    ['utf-8', 'application/json; charset=utf-8'],
    ['quoted UTF-8', 'application/json;charset="UTF-8"'],
  ])('accepts JSON with %s', async (_, type) => {
    const res = await http('POST', '/v1/scans', { raw: '{"code":"6901234000016"}', headers: { 'content-type': type } });
    expect(res.status).toBe(200);
  });

  it('refuses bytes that are not UTF-8 with 400 INVALID_JSON', async () => {
    const port = Number(new URL(h.base).port);
    const body = Buffer.from([0x7b, 0x22, 0x63, 0x6f, 0x64, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const head = `POST /v1/scans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const answer = await rawRequest(port, Buffer.concat([Buffer.from(head), body]));
    expect(answer).toMatch(/^HTTP\/1.1 400/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual(contractError('INVALID_JSON'));
  });
});

describe("the HTTP server's own answers use the contract's format", () => {
  it('431 for headers too large', async () => {
    const answer = await rawRequest(Number(new URL(h.base).port), `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1.1 431/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual(contractError('HEADERS_TOO_LARGE'));
  });

  it('400 for a request that is not HTTP', async () => {
    const answer = await rawRequest(Number(new URL(h.base).port), 'HELLO THERE\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1.1 400/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual(contractError('BAD_REQUEST'));
  });
});

describe('exposure', () => {
  it('sends security headers suited to an API and a same-origin web app', async () => {
    for (const res of [await http('POST', '/v1/scans', { body: { code: '6901234000016' } }), await http('GET', '/nothing')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('permissions-policy')).toContain('camera=(self)');
    }
    const docs = await fetch(`${h.base}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("style-src 'self' 'unsafe-inline'");
  });

  it('lists the dev-token route in /docs only where dev tokens are on', async () => {
    expect(Object.keys((await http('GET', '/docs/json')).body.paths)).toContain('/v1/auth/dev-token');
    const env = loadGatewayEnv({ KAFKA_BROKERS: h.broker.brokers, JWT_SECRET: 'integration-secret-0123456789', AUTH_DEV_TOKENS: 'false', LOG_LEVEL: 'silent', INSTANCE_ID: 'no-dev' });
    const off = await startGateway(env, { port: 0, host: '127.0.0.1', logDestination: new Writable({ write: (_c, _e, done) => done() }) });
    try {
      const url = (await off.getUrl()).replace('[::1]', '127.0.0.1');
      const paths = Object.keys(((await (await fetch(`${url}/docs/json`)).json()) as { paths: object }).paths);
      expect(paths).toContain('/v1/claims');
      expect(paths).not.toContain('/v1/auth/dev-token');
    } finally {
      await off.close();
    }
  });
});

describe('claims of coupons the catalog never created', () => {
  const createCoupon = async (base: string) => {
    const res = await fetch(`${base}/v1/admin/coupons`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${merchant}` },
      body: JSON.stringify({ title: 'real', discount: { type: 'AMOUNT_OFF', amount: 100 }, totalQuantity: 100 }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { couponId: string }).couponId;
  };

  it('answers 404 COUPON_NOT_FOUND without publishing a command', async () => {
    const before = await h.messagesOn(Topics.walletCommands);
    const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => http('POST', '/v1/claims', { body: { couponId: `cpn_random_${i}` }, token: customer })));
    for (const res of answers) expect(res).toMatchObject({ status: 404, body: contractError('COUPON_NOT_FOUND') });
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.messagesOn(Topics.walletCommands)).toBe(before);
  });

  it('claims a coupon created a moment ago through this instance or another one', async () => {
    const other = await h.anotherGateway('it-other');
    for (const base of [h.base, other]) {
      const couponId = await createCoupon(base);
      const res = await http('POST', '/v1/claims', { body: { couponId }, token: customer });
      expect(res.status).toBe(201);
    }
  });
});
