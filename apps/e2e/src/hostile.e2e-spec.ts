// Issue 12 as an attacker would try it, against the real services: each attack and its neighbours (other routes,
// depths, date forms) gets its 4xx in the contract's format and writes nothing (no outbox row in any service, nothing
// new in scans); a flood of unknown coupon ids leaves real claims answering 201; limits answer 429 with Retry-After;
// slow and idle sockets are closed; and no token reaches a log line.
import { DATABASE_SCHEMAS, RunningStack, startStack } from '@coupons/testing';
import { readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { Api, ApiResponse, detailFields, expectError, signHs256 } from './support/http';

const WINDOW_MS = 5000;
const STORE = 'h-store';
const PRODUCT = { sku: 'h-milk', name: 'Milk', price: 1500, gtin: '6901234000016', category: 'dairy', brand: 'Acme' };
const nested = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels);
const deepObject = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function contractError(res: ApiResponse, status: number, code: string): { code: string; message: string; details?: unknown[] } {
  const err = expectError(res, status, code);
  expect(res.body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
  return err;
}

/** Writes raw bytes, optionally more later, and resolves with what the server sent before closing (and when). */
function rawExchange(port: number, first: string | Buffer, trickle?: { every: number; chunk: string }): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => {
      if (first.length) socket.write(first);
    });
    let answer = '';
    const timer = trickle ? setInterval(() => socket.writable && socket.write(trickle.chunk), trickle.every) : undefined;
    const safety = setTimeout(() => socket.destroy(), 30_000);
    socket.on('data', (d) => (answer += d.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(safety);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
  });
}

function bodyOf(answer: string): unknown {
  return JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

describe('hostile input and abuse', () => {
  let stack: RunningStack;
  let anonymous: Api;
  let merchant: Api;
  let customer: Api;
  let customerToken: string;
  let merchantToken: string;
  let port: number;
  let db: Client;
  const minted: string[] = [];
  /** A token signed like a dev token, without spending the dev-token limit. */
  const tokenFor = (userId: string, roles = ['customer'], claims: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const t = signHs256({ sub: userId, roles, iat: now, exp: now + 3600, ...claims }, stack.jwtSecret);
    minted.push(t);
    return t;
  };
  const outboxRows = async () => {
    const counts: number[] = [];
    for (const schema of Object.values(DATABASE_SCHEMAS)) counts.push(Number((await db.query(`select count(*) from "${schema}".outbox`)).rows[0].count));
    return counts;
  };

  beforeAll(async () => {
    stack = await startStack({
      env: {
        RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
        RATE_LIMIT_SCANS_PER_ADDRESS: '150',
        RATE_LIMIT_DEV_TOKENS_PER_ADDRESS: '40',
        RATE_LIMIT_OTHER_PER_ADDRESS: '150',
        SSE_STREAMS_PER_USER: '3',
        HTTP_IDLE_TIMEOUT_MS: '20000',
        HTTP_HEADERS_TIMEOUT_MS: '2000',
        HTTP_REQUEST_TIMEOUT_MS: '4000',
      },
    });
    port = Number(new URL(stack.gatewayUrl).port);
    anonymous = new Api(stack.gatewayUrl);
    merchantToken = await stack.devToken('h-merchant', ['merchant']);
    customerToken = await stack.devToken('h-customer', ['customer']);
    minted.push(merchantToken, customerToken);
    merchant = anonymous.as(merchantToken);
    customer = anonymous.as(customerToken);
    expect((await merchant.put(`/v1/admin/stores/${STORE}`, { name: 'Store' })).status).toBe(200);
    const { sku, ...p } = PRODUCT;
    expect((await merchant.put(`/v1/admin/products/${sku}`, p)).status).toBe(200);
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  describe('refused input writes nothing', () => {
    let before: number[];
    beforeAll(async () => {
      await sleep(500);
      before = await outboxRows();
    });
    afterAll(async () => {
      await sleep(1000);
      expect(await outboxRows()).toEqual(before);
      // Nothing new offered for the product either: no coupon was created by any refused request.
      const scan = await anonymous.post('/v1/scans', { code: PRODUCT.gtin, storeId: STORE });
      expect(scan.status).toBe(200);
      expect(scan.body.coupons).toEqual([]);
    });

    const coupon = { title: 'h', discount: { type: 'AMOUNT_OFF', amount: 100 }, target: { skus: [PRODUCT.sku] }, totalQuantity: 10 };
    const deepBodies: Array<[string, string, string, 'anonymous' | 'customer' | 'merchant', string]> = [
      ['a scan, 2,000 levels', 'POST', '/v1/scans', 'anonymous', `{"code":"${PRODUCT.gtin}","x":${nested(2000)}}`],
      ['a scan, 9 levels', 'POST', '/v1/scans', 'anonymous', `{"code":"${PRODUCT.gtin}","x":${nested(8)}}`],
      ['a scan, 2,000 object levels', 'POST', '/v1/scans', 'anonymous', `{"code":"${PRODUCT.gtin}","x":${deepObject(2000)}}`],
      ['a dev token, 2,000 levels', 'POST', '/v1/auth/dev-token', 'anonymous', `{"userId":"x","roles":${nested(2000, '"merchant"')}}`],
      ['a claim, 2,000 levels', 'POST', '/v1/claims', 'customer', `{"couponId":${nested(2000, '"c"')}}`],
      ['an order, 50 levels', 'POST', '/v1/orders', 'customer', `{"storeId":"${STORE}","items":${nested(50, `{"sku":"${PRODUCT.sku}","quantity":1}`)}}`],
      ['an order, 2,000 levels', 'POST', '/v1/orders', 'customer', `{"storeId":"${STORE}","items":${nested(2000)}}`],
      ['a coupon target, 2,000 levels', 'POST', '/v1/admin/coupons', 'merchant', JSON.stringify({ ...coupon, target: 0 }).replace('"target":0', `"target":{"skus":${nested(2000)}}`)],
      ['a coupon discount, 500 levels', 'POST', '/v1/admin/coupons', 'merchant', JSON.stringify({ ...coupon, discount: 0 }).replace('"discount":0', `"discount":${deepObject(500)}`)],
      ['a store, 2,000 levels', 'PUT', `/v1/admin/stores/${STORE}`, 'merchant', `{"name":${deepObject(2000)}}`],
      ['a product, 2,000 levels', 'PUT', `/v1/admin/products/${PRODUCT.sku}`, 'merchant', `{"name":"x","price":1,"brand":${nested(2000)}}`],
      ['displays, 2,000 levels', 'PUT', `/v1/admin/stores/${STORE}/displays`, 'merchant', `{"items":${nested(2000)}}`],
      ['a huge array in an order', 'POST', '/v1/orders', 'customer', JSON.stringify({ storeId: STORE, items: Array(5000).fill(1) })],
      ['500 keys in a scan', 'POST', '/v1/scans', 'anonymous', JSON.stringify(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, 1])))],
      ['a __proto__ key in a coupon', 'POST', '/v1/admin/coupons', 'merchant', JSON.stringify(coupon).replace('{', '{"__proto__":{"totalQuantity":1},')],
    ];
    it.each(deepBodies)('%s is 400 VALIDATION_FAILED, not a 500', async (_, method, path, who, raw) => {
      const api = who === 'merchant' ? merchant : who === 'customer' ? customer : anonymous;
      contractError(await api.send(method, path, raw), 400, 'VALIDATION_FAILED');
    });

    const badDates = ['2026-W01-1', '2026-W01', '20260101T000000Z', '2030-01-01', '2030-02-30T00:00:00Z', '2030-01-01T25:00:00Z', '2030-01-01 00:00:00Z', 'tomorrow'];
    it.each(['validUntil', 'claimableFrom', 'claimableUntil'].flatMap((field) => badDates.map((value) => [field, value])))(
      'a coupon with %s %s is 400 naming the field', async (field, value) => {
        const err = contractError(await merchant.post('/v1/admin/coupons', { ...coupon, [field]: value }), 400, 'VALIDATION_FAILED');
        expect(detailFields(err)).toContain(field);
      },
    );

    it.each<[string, Record<string, unknown>, string]>([
      ['validUntil in the past', { validUntil: '2020-01-01T00:00:00Z' }, 'validUntil'],
      ['validUntil a minute ago, with an offset', { validUntil: new Date(Date.now() - 60_000).toISOString().replace('Z', '+00:00') }, 'validUntil'],
      ['claimableUntil in the past', { claimableUntil: '2021-06-01T00:00:00.000+08:00' }, 'claimableUntil'],
      ['claimableFrom after claimableUntil', { claimableFrom: inDays(20), claimableUntil: inDays(10) }, 'claimableFrom'],
    ])('a coupon with %s is 400 naming the field', async (_, extra, field) => {
      const err = contractError(await merchant.post('/v1/admin/coupons', { ...coupon, ...extra }), 400, 'VALIDATION_FAILED');
      expect(detailFields(err)).toContain(field);
    });

    it.each([
      ['an order', 'POST', '/v1/orders', () => customer, JSON.stringify({ storeId: STORE, items: [{ sku: PRODUCT.sku, quantity: 1 }] })],
      ['a claim', 'POST', '/v1/claims', () => customer, '{"couponId":"c"}'],
      ['a coupon', 'POST', '/v1/admin/coupons', () => merchant, JSON.stringify(coupon)],
      ['a scan', 'POST', '/v1/scans', () => anonymous, `{"code":"${PRODUCT.gtin}"}`],
    ])('%s sent as UTF-16 JSON is 415', async (_, method, path, api, raw) => {
      const body = Buffer.from(`\ufeff${raw}`, 'utf16le');
      contractError(await api().send(method, path, body, { 'content-type': 'application/json; charset=utf-16' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it.each([
      ['exp in 9999', { exp: 253402300799 }],
      ['issued two days ago', { iat: Math.floor(Date.now() / 1000) - 2 * 86_400 }],
      ['without iat', { iat: undefined }],
    ])('refuses a merchant token %s with 401', async (_, claims) => {
      const forged = tokenFor('h-merchant', ['merchant'], claims);
      contractError(await anonymous.as(forged).post('/v1/admin/coupons', coupon), 401, 'UNAUTHORIZED');
    });

    it("answers the HTTP server's own errors in the contract's format", async () => {
      const big = await rawExchange(port, `GET /v1/wallet HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(big.answer).toMatch(/^HTTP\/1.1 431/);
      expect(bodyOf(big.answer)).toEqual({ error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String), details: [] } });
      const garbage = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');
      expect(garbage.answer).toMatch(/^HTTP\/1.1 400/);
      expect(bodyOf(garbage.answer)).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String), details: [] } });
      contractError(await anonymous.get('/v1/no-such-route'), 404, 'NOT_FOUND');
      contractError(await anonymous.send('POST', '/v1/scans', 'x'.repeat(70_000)), 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  it('sends security headers', async () => {
    const res = await anonymous.post('/v1/scans', { code: PRODUCT.gtin });
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('permissions-policy')).toContain('camera=(self)');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
  });

  describe('server timeouts', () => {
    it('closes a socket that never sends a request', async () => {
      const { answer, closedAfterMs } = await rawExchange(port, '');
      expect(closedAfterMs).toBeLessThan(15_000);
      if (answer) expect(answer).toMatch(/^HTTP\/1.1 408/);
    });

    it('closes a request whose headers trickle in (slowloris)', async () => {
      const { answer, closedAfterMs } = await rawExchange(port, 'GET /v1/wallet HTTP/1.1\r\nHost: x\r\n', { every: 500, chunk: 'X-A: b\r\n' });
      expect(closedAfterMs).toBeLessThan(15_000);
      expect(answer).toMatch(/^HTTP\/1.1 408/);
      expect(bodyOf(answer)).toEqual({ error: { code: 'REQUEST_TIMEOUT', message: expect.any(String), details: [] } });
    });

    it('closes a POST whose body trickles in', async () => {
      const head = `POST /v1/scans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"code":"`;
      const { answer, closedAfterMs } = await rawExchange(port, head, { every: 500, chunk: '1' });
      expect(closedAfterMs).toBeLessThan(15_000);
      expect(answer).toMatch(/^HTTP\/1.1 408/);
    });
  });

  it('keeps at most SSE_STREAMS_PER_USER streams of one user open, closing the oldest', async () => {
    const token = tokenFor('h-streamer');
    const streams = await Promise.all(Array.from({ length: 10 }, async () => {
      const controller = new AbortController();
      const res = await fetch(`${stack.gatewayUrl}/v1/notifications/stream`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
      const ended = (async () => {
        try {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) void chunk;
        } catch {
          // aborted below
        }
        return true;
      })();
      return { res, controller, ended };
    }));
    expect(streams.every((s) => s.res.status === 200)).toBe(true);
    await sleep(1000);
    const open = await Promise.all(streams.map((s) => Promise.race([s.ended.then(() => false), sleep(200).then(() => true)])));
    expect(open.filter(Boolean)).toHaveLength(3);
    streams.forEach((s) => s.controller.abort());
  });

  describe('rate limits answer 429 with Retry-After in the contract format', () => {
    afterEach(async () => {
      await sleep(WINDOW_MS + 500); // the next test starts with fresh windows
    });

    const expectLimited = (answers: ApiResponse[]) => {
      const limited = answers.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      for (const r of limited) {
        contractError(r, 429, 'RATE_LIMITED');
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(WINDOW_MS / 1000);
      }
      return limited.length;
    };

    it('400 anonymous scans from one address', async () => {
      const answers: ApiResponse[] = [];
      for (let i = 0; i < 40; i++) answers.push(...(await Promise.all(Array.from({ length: 10 }, () => anonymous.post('/v1/scans', { code: PRODUCT.gtin })))));
      expect(answers.every((r) => r.status === 200 || r.status === 429)).toBe(true);
      expectLimited(answers);
    });

    it('100 merchant-token mints from one address', async () => {
      const answers: ApiResponse[] = [];
      for (let i = 0; i < 100; i++) answers.push(await anonymous.post('/v1/auth/dev-token', { userId: `h-mint-${i}`, roles: ['merchant'] }));
      for (const r of answers) if (r.status === 200) minted.push(r.body.accessToken);
      expect(answers.filter((r) => r.status === 200).length).toBeLessThanOrEqual(40);
      expectLimited(answers);
    });

    it('400 bad tokens from one address', async () => {
      const answers: ApiResponse[] = [];
      for (let i = 0; i < 40; i++) answers.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => anonymous.as(`bad.token.${i}-${j}`).get('/v1/wallet')))));
      expect(answers.every((r) => r.status === 401 || r.status === 429)).toBe(true);
      expectLimited(answers);
    });
  });

  it('answers real claims with 201 during a flood of claims of unknown coupon ids', async () => {
    const created = await merchant.post('/v1/admin/coupons', {
      title: 'Real', discount: { type: 'AMOUNT_OFF', amount: 100 }, totalQuantity: 100_000, perUserLimit: 1, validDaysAfterClaim: 30,
    });
    expect(created.status).toBe(201);
    const couponId = created.body.couponId;
    let n = 0;
    const realClaim = async () => {
      const started = performance.now();
      const res = await anonymous.as(tokenFor(`h-real-${n++}`)).post('/v1/claims', { couponId });
      return { status: res.status, ms: performance.now() - started };
    };
    const realClaims = async (count: number) => {
      const out: Array<{ status: number; ms: number }> = [];
      for (let i = 0; i < count; i++) out.push(await realClaim());
      return out;
    };

    const before = await realClaims(30);
    const attacker = anonymous.as(tokenFor('h-attacker'));
    const floodStatuses: number[] = [];
    let next = 0;
    const flood = Promise.all(Array.from({ length: 25 }, async () => {
      while (next < 500) {
        next++;
        floodStatuses.push((await attacker.post('/v1/claims', { couponId: `cpn_${Math.random().toString(36).slice(2)}` })).status);
      }
    }));
    const during = await realClaims(30);
    await flood;
    const after = await realClaims(10);

    expect(floodStatuses).toHaveLength(500);
    expect(floodStatuses.every((s) => s === 404)).toBe(true);
    for (const c of [...before, ...during, ...after]) expect(c.status).toBe(201);
    const stats = (xs: Array<{ ms: number }>) => {
      const sorted = xs.map((x) => x.ms).sort((a, b) => a - b);
      return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`;
    };
    // A figure for the README, not an assertion (timing on a shared machine).
    console.log(`real claims before the flood: ${stats(before)}; during 500 unknown-id claims (25 in parallel): ${stats(during)}; after: ${stats(after)}`);
  });

  it('writes no token to any log line', async () => {
    // A refused request and an accepted stream, both with the token in the query string.
    const token = tokenFor('h-logged');
    expect((await fetch(`${stack.gatewayUrl}/v1/wallet?access_token=${token}`)).status).toBe(401);
    const controller = new AbortController();
    const stream = await fetch(`${stack.gatewayUrl}/v1/notifications/stream?access_token=${token}&lastEventId=x`, { signal: controller.signal });
    expect(stream.status).toBe(200);
    controller.abort();
    await sleep(1000);
    const logs = readdirSync(stack.logDir).map((f) => readFileSync(join(stack.logDir, f), 'utf8')).join('\n');
    expect(logs).toContain('access_token=[redacted]');
    const leaked = minted.filter((t) => logs.includes(t) || logs.includes(t.split('.')[2]));
    expect(leaked).toEqual([]);
  });
});
