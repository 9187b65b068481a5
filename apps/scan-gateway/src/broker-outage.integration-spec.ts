import { freePort } from '@coupons/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Writable } from 'node:stream';
import { TEST_SECRET } from '../test/gateway-harness';
import { startGateway } from './app.factory';
import { loadGatewayEnv } from './config/gateway.env';

jest.setTimeout(60_000);

let app: NestFastifyApplication;
let base: string;
let merchant: string;

async function http(method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

// Kafka is unreachable (nothing listens on the port): the gateway starts, serves what needs no Kafka, and answers
// everything else 503 within its timeout.
beforeAll(async () => {
  const env = loadGatewayEnv({
    KAFKA_BROKERS: `127.0.0.1:${await freePort()}`, JWT_SECRET: TEST_SECRET, AUTH_DEV_TOKENS: 'true', REQUEST_TIMEOUT_MS: '1000', LOG_LEVEL: 'silent', HOST: '127.0.0.1',
  });
  app = await startGateway(env, { port: 0, host: '127.0.0.1', logDestination: new Writable({ write: (_c, _e, done) => done() }) });
  base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  merchant = (await http('POST', '/v1/auth/dev-token', { userId: 'm-1', roles: ['merchant'] })).body.accessToken;
});

afterAll(async () => {
  await app?.close();
});

describe('with Kafka unreachable', () => {
  it.each([
    ['an admin write', 'PUT', '/v1/admin/stores/s-1', { name: 'x' }],
    ['a scan', 'POST', '/v1/scans', { code: '6901234567892' }],
    ['a coupon read', 'GET', '/v1/admin/coupons/cpn_1', undefined],
  ])('answers %s with 503 UNAVAILABLE, never a 500', async (_, method, path, body) => {
    const started = Date.now();
    const res = await http(method, path, body, merchant);
    expect(res).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE', message: expect.any(String) } } });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports unhealthy, naming what is down', async () => {
    const res = await http('GET', '/health');
    expect(res.status).toBe(503);
    const checks = res.body.error.details[0].checks as Record<string, string>;
    expect(checks.kafka).not.toBe('ok');
    expect(checks['outcome-listener']).not.toBe('ok');
  });

  it('still refuses bad input with its 4xx', async () => {
    expect((await http('PUT', '/v1/admin/stores/s-1', { name: 'x', extra: 1 }, merchant)).status).toBe(400);
    expect((await http('PUT', '/v1/admin/stores/s-1', { name: 'x' })).status).toBe(401);
  });
});
