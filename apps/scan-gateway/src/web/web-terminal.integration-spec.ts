import { RunningBroker, testBroker } from '@coupons/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startGateway } from '../app.factory';
import { loadGatewayEnv } from '../config/gateway.env';

jest.setTimeout(60_000);

let broker: RunningBroker;
let site: string;
const apps: NestFastifyApplication[] = [];

async function gateway(webTerminalDir: string, logs: string[] = []): Promise<string> {
  const env = loadGatewayEnv({ KAFKA_BROKERS: broker.brokers, JWT_SECRET: 'web-terminal-test-secret', LOG_LEVEL: 'info', INSTANCE_ID: `web-${apps.length}` });
  const logDestination = new Writable({ write: (chunk, _e, done) => (logs.push(chunk.toString()), done()) });
  const app = await startGateway(env, { port: 0, host: '127.0.0.1', logDestination, webTerminalDir });
  apps.push(app);
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  // Connected to Kafka before the tests, so that closing it later stops no connect attempt half-way.
  for (let until = Date.now() + 30_000; (await fetch(`${base}/health`)).status !== 200; ) {
    if (Date.now() > until) throw new Error('the gateway did not become healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
  return base;
}

beforeAll(async () => {
  broker = await testBroker();
  site = mkdtempSync(join(tmpdir(), 'web-terminal-'));
  mkdirSync(join(site, 'assets'));
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>terminal</title>');
  writeFileSync(join(site, 'assets', 'index-4f3a9c1b.js'), 'console.log(1)');
  writeFileSync(join(site, 'assets', 'zxing_reader-1a2b3c4d.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
  writeFileSync(join(site, 'manifest.webmanifest'), '{"name":"terminal"}');
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await broker?.stop();
  rmSync(site, { recursive: true, force: true });
});

describe('the gateway without a built web terminal', () => {
  // First: Nest's logger is process-wide, and the first app's log destination is the one that receives its lines.
  it('starts without a build, says so in its log, and answers / with the API\'s 404', async () => {
    const logs: string[] = [];
    const missing = await gateway(join(site, 'missing'), logs);
    const res = await fetch(`${missing}/`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: expect.any(String) } });
    expect(logs.join('')).toContain('web terminal not served');
  });
});

describe('the web terminal served by the gateway', () => {
  let base: string;
  beforeAll(async () => {
    base = await gateway(site);
  });

  it.each([
    ['/', 'text/html', 'no-cache'],
    ['/index.html', 'text/html', 'no-cache'],
    ['/assets/index-4f3a9c1b.js', 'javascript', 'public, max-age=31536000, immutable'],
    ['/assets/zxing_reader-1a2b3c4d.wasm', 'application/wasm', 'public, max-age=31536000, immutable'],
    ['/manifest.webmanifest', 'application/manifest+json', 'no-cache'],
  ])('%s: %s, cache-control %s', async (path, type, cache) => {
    const res = await fetch(`${base}${path}`);
    expect([res.status, res.status === 200 || (await res.text())]).toEqual([200, true]);
    expect(res.headers.get('content-type')).toContain(type);
    expect(res.headers.get('cache-control')).toBe(cache);
  });

  it('answers the app\'s client routes with index.html, never /v1, /docs, /health or /metrics paths the API lacks', async () => {
    const merchantConsole = ['/merchant', '/merchant/sign-in', '/merchant/stores', '/merchant/products', '/merchant/coupons', '/merchant/coupons/cpn_1'];
    for (const path of ['/scan', '/wallet', '/cart', '/orders', '/orders/ord_1', '/sign-in', ...merchantConsole]) {
      const res = await fetch(`${base}${path}`);
      expect([path, res.status, res.headers.get('cache-control')]).toEqual([path, 200, 'no-cache']);
      expect(await res.text()).toContain('<title>terminal</title>');
    }
    for (const path of ['/merchant/nothing', '/v1/nothing', '/docs/nothing', '/health/nothing', '/metrics/nothing', '/nothing', '/assets/missing.js']) {
      const res = await fetch(`${base}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
      expect(await res.json()).toMatchObject({ error: { code: expect.stringMatching(/NOT_FOUND/) } });
    }
    expect((await fetch(`${base}/docs/json`)).headers.get('content-type')).toContain('application/json');
  });

});
