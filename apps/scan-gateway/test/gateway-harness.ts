import { Topics } from '@coupons/contracts';
import { RAISED_RATE_LIMITS, RunningBroker, testBroker } from '@coupons/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel } from 'kafkajs';
import { Writable } from 'node:stream';
import { startGateway } from '../src/app.factory';
import { ScanReadModel } from '../src/scans/scan-read-model';
import { loadGatewayEnv } from '../src/config/gateway.env';
import { fakeCatalog } from './fake-catalog';
import { fakeOrdering, fakeWallet } from './fake-wallet-ordering';
import { waitFor } from './wait-for';

export { waitFor };

export const TEST_SECRET = 'integration-secret-0123456789';

export interface HttpResult {
  status: number;
  body: any;
  headers: globalThis.Headers;
}

export interface HttpOptions {
  body?: unknown;
  raw?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** The gateway in-process on a free port, over an embedded broker, with fake catalog, wallet and ordering services. */
export interface GatewayHarness {
  broker: RunningBroker;
  app: NestFastifyApplication;
  base: string;
  catalog: ReturnType<typeof fakeCatalog>;
  wallet: ReturnType<typeof fakeWallet>;
  ordering: ReturnType<typeof fakeOrdering>;
  http(method: string, path: string, opts?: HttpOptions): Promise<HttpResult>;
  token(userId: string, roles?: string[]): Promise<string>;
  /** Another gateway instance on the same broker (own consumer groups); returns its base URL. Stopped with the harness. */
  anotherGateway(instanceId: string): Promise<string>;
  /** Coupons the catalog announced (CouponCreated), folded into the gateway's read model, so claims of them reach the wallet. */
  knownCoupons(...couponIds: string[]): Promise<void>;
  /** Messages ever written to a topic (sum of partition end offsets). */
  messagesOn(topic: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<GatewayHarness> {
  const broker = await testBroker();
  const config = loadGatewayEnv({
    KAFKA_BROKERS: broker.brokers, JWT_SECRET: TEST_SECRET, AUTH_DEV_TOKENS: 'true', REQUEST_TIMEOUT_MS: '3000', BODY_LIMIT_BYTES: '4096',
    LOG_LEVEL: 'silent', INSTANCE_ID: 'it', HOST: '127.0.0.1', ...RAISED_RATE_LIMITS, ...env,
  });
  const app = await startGateway(config, { port: 0, host: '127.0.0.1', logDestination: new Writable({ write: (_c, _e, done) => done() }) });
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  const http = async (method: string, path: string, opts: HttpOptions = {}): Promise<HttpResult> => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const body = opts.body !== undefined ? JSON.stringify(opts.body) : opts.raw;
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, body });
    const text = await res.text();
    let json: any = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: json, headers: res.headers };
  };

  await waitFor('gateway health', async () => ((await http('GET', '/health')).status === 200 ? true : undefined));
  const catalog = fakeCatalog(broker.brokers);
  const wallet = fakeWallet(broker.brokers);
  const ordering = fakeOrdering(broker.brokers);
  await Promise.all([catalog.start(), wallet.start(), ordering.start()]);
  const admin = new Kafka({ clientId: 'harness', brokers: [broker.brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();

  const others: NestFastifyApplication[] = [];
  const anotherGateway = async (instanceId: string) => {
    const other = await startGateway(Object.assign(Object.create(Object.getPrototypeOf(config)), config, { INSTANCE_ID: instanceId }), {
      port: 0, host: '127.0.0.1', logDestination: new Writable({ write: (_c, _e, done) => done() }),
    });
    others.push(other);
    const url = (await other.getUrl()).replace('[::1]', '127.0.0.1');
    await waitFor(`${instanceId} health`, async () => ((await fetch(`${url}/health`)).status === 200 ? true : undefined));
    return url;
  };

  return {
    broker, app, base, catalog, wallet, ordering, http, anotherGateway,
    knownCoupons: async (...couponIds) => {
      await catalog.announceCoupons(...couponIds);
      const model = app.get(ScanReadModel);
      await waitFor('the coupons in the read model', async () => (couponIds.every((id) => model.hasEverSeenCoupon(id)) ? true : undefined));
    },
    token: async (userId, roles) => (await http('POST', '/v1/auth/dev-token', { body: roles ? { userId, roles } : { userId } })).body.accessToken,
    messagesOn: async (topic = Topics.catalogCommands) => (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0),
    stop: async () => {
      // Bounded: with the broker already gone (outage tests), kafkajs clients may take long to give up.
      const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
      await Promise.all(others.map((o) => bounded(o.close())));
      await bounded(app.close());
      await bounded(admin.disconnect());
      await Promise.all([catalog.stop(), wallet.stop(), ordering.stop()].map(bounded));
      await bounded(broker.stop());
    },
  };
}
