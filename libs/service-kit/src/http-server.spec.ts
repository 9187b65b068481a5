import { EnvValidationError } from './env';
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
