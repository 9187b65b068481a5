import Fastify from 'fastify';
import { EnvValidationError } from './env';
import { metricsAccessHook } from './observability';
import { addressAllowed, loadHttpServerEnv } from './http-server';
import { redactUrl, serializeRequest } from './logging';

describe('HTTP server settings', () => {
  it('defaults to every address, bounded timeouts and open metrics', () => {
    const sut = loadHttpServerEnv({});
    expect(sut).toMatchObject({ HOST: '0.0.0.0', HTTP_REQUEST_TIMEOUT_MS: 30_000 });
    expect(sut.METRICS_ALLOW).toBeUndefined();
  });

  it.each([
    ['HOST', { HOST: 'localhost:3' }],
    ['METRICS_ALLOW', { METRICS_ALLOW: '10.0.0.0/33' }],
    ['METRICS_ALLOW', { METRICS_ALLOW: 'example.com' }],
    ['METRICS_TOKEN', { METRICS_TOKEN: 'short' }],
    ['HTTP_IDLE_TIMEOUT_MS', { HTTP_IDLE_TIMEOUT_MS: 'soon' }],
  ])('refuses a bad %s, naming it', (name, raw) => {
    let error: unknown;
    try {
      loadHttpServerEnv(raw);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvValidationError);
    expect((error as Error).message).toContain(name);
  });

  it.each([
    ['127.0.0.1', ['127.0.0.1'], true],
    ['::ffff:127.0.0.1', ['127.0.0.0/8'], true],
    ['10.1.2.3', ['10.0.0.0/8'], true],
    ['11.1.2.3', ['10.0.0.0/8'], false],
    ['::1', ['::1'], true],
    ['fd00::5', ['fd00::/8'], true],
    ['192.168.1.1', ['fd00::/8', '127.0.0.1'], false],
    [undefined, ['127.0.0.1'], false],
  ])('%s is allowed by %j: %s', (address, allow, expected) => {
    expect(addressAllowed(address, allow)).toBe(expected);
  });
});

describe('log redaction', () => {
  it.each([
    ['/v1/notifications/stream?access_token=eyJabc.def.ghi', '/v1/notifications/stream?access_token=[redacted]'],
    ['/x?a=1&access_token=t&b=2', '/x?a=1&access_token=[redacted]&b=2'],
    ['/x?ACCESS_TOKEN=t', '/x?ACCESS_TOKEN=[redacted]'],
    ['/x?lastEventId=1', '/x?lastEventId=1'],
  ])('%s is logged as %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });

  it('drops credential headers from a logged request', () => {
    expect(serializeRequest({ method: 'GET', url: '/a?token=x', headers: { authorization: 'Bearer x', accept: '*/*' } })).toEqual({
      method: 'GET', url: '/a?token=[redacted]', headers: { authorization: '[redacted]', accept: '*/*' },
    });
  });
});

describe('/metrics access', () => {
  async function serve(env: Parameters<typeof metricsAccessHook>[0]) {
    const app = Fastify();
    app.addHook('onRequest', metricsAccessHook(env));
    app.get('/metrics', async () => 'figures');
    app.get('/health', async () => 'ok');
    await app.ready();
    return app;
  }

  it('is open when neither METRICS_ALLOW nor METRICS_TOKEN is set', async () => {
    const sut = await serve({});
    expect((await sut.inject({ url: '/metrics' })).statusCode).toBe(200);
  });

  it('answers 403 to an address outside METRICS_ALLOW, and leaves other routes alone', async () => {
    const sut = await serve({ METRICS_ALLOW: ['10.0.0.0/8'] });
    const refused = await sut.inject({ url: '/metrics', remoteAddress: '192.168.1.5' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String), details: [] } });
    expect((await sut.inject({ url: '/metrics', remoteAddress: '10.1.2.3' })).statusCode).toBe(200);
    expect((await sut.inject({ url: '/health', remoteAddress: '192.168.1.5' })).statusCode).toBe(200);
  });

  it('needs the bearer METRICS_TOKEN when set', async () => {
    const sut = await serve({ METRICS_TOKEN: 'metrics-token-0123456789' });
    expect((await sut.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await sut.inject({ url: '/metrics?x=1', headers: { authorization: 'Bearer wrong-token-0123456789xx' } })).statusCode).toBe(401);
    expect((await sut.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-token-0123456789' } })).statusCode).toBe(200);
  });
});
