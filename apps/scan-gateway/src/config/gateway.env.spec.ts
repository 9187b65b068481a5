import { EnvValidationError } from '@coupons/service-kit';
import { loadGatewayEnv } from './gateway.env';

const base = { KAFKA_BROKERS: 'localhost:9092', JWT_SECRET: 'a-secret-of-16-chars+' };

function problems(raw: Record<string, string>): string[] {
  try {
    loadGatewayEnv(raw);
    return [];
  } catch (err) {
    if (err instanceof EnvValidationError) return err.problems;
    throw err;
  }
}

describe('loadGatewayEnv', () => {
  it('applies the defaults', () => {
    const sut = loadGatewayEnv(base);
    expect(sut).toMatchObject({
      GATEWAY_PORT: 3000, KAFKA_BROKERS: ['localhost:9092'], AUTH_DEV_TOKENS: false, REQUEST_TIMEOUT_MS: 5000, BODY_LIMIT_BYTES: 65536, LOG_LEVEL: 'info',
    });
    expect(sut.INSTANCE_ID).toEqual(expect.any(String));
  });

  it('parses what is given', () => {
    const sut = loadGatewayEnv({ ...base, KAFKA_BROKERS: 'a:1, b:2', GATEWAY_PORT: '8080', AUTH_DEV_TOKENS: 'true', HOST: '127.0.0.1', REQUEST_TIMEOUT_MS: '750', BODY_LIMIT_BYTES: '2048' });
    expect(sut).toMatchObject({ KAFKA_BROKERS: ['a:1', 'b:2'], GATEWAY_PORT: 8080, AUTH_DEV_TOKENS: true, REQUEST_TIMEOUT_MS: 750, BODY_LIMIT_BYTES: 2048 });
  });

  it.each([
    ['0.0.0.0', { HOST: '0.0.0.0' }, false],
    ['the default host (0.0.0.0)', {}, false],
    ['10.0.0.5', { HOST: '10.0.0.5' }, false],
    ['::', { HOST: '::' }, false],
    ['127.0.0.1', { HOST: '127.0.0.1' }, true],
    ['::1', { HOST: '::1' }, true],
    ['0.0.0.0 when told explicitly', { HOST: '0.0.0.0', AUTH_DEV_TOKENS_ON_PUBLIC_HOST: 'true' }, true],
  ])('dev tokens on %s: allowed %s', (_, extra, allowed) => {
    const load = () => loadGatewayEnv({ ...base, AUTH_DEV_TOKENS: 'true', ...extra });
    if (allowed) expect(load().AUTH_DEV_TOKENS).toBe(true);
    else expect(load).toThrow(/AUTH_DEV_TOKENS.*AUTH_DEV_TOKENS_ON_PUBLIC_HOST/);
  });

  it.each([
    ['below the heartbeat', { HTTP_IDLE_TIMEOUT_MS: '10000' }],
    ['below REQUEST_TIMEOUT_MS', { HTTP_IDLE_TIMEOUT_MS: '30000', REQUEST_TIMEOUT_MS: '40000' }],
  ])('refuses an idle timeout %s', (_, extra) => {
    expect(() => loadGatewayEnv({ ...base, ...extra })).toThrow(/HTTP_IDLE_TIMEOUT_MS/);
  });

  it('accepts a JWKS URL instead of a secret', () => {
    expect(loadGatewayEnv({ KAFKA_BROKERS: 'k:9092', JWT_JWKS_URL: 'https://idp.example/.well-known/jwks.json' }).JWT_SECRET).toBeUndefined();
  });

  it.each([
    ['KAFKA_BROKERS missing', { JWT_SECRET: base.JWT_SECRET }, 'KAFKA_BROKERS'],
    ['KAFKA_BROKERS without a port', { ...base, KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS'],
    ['neither JWT_SECRET nor JWT_JWKS_URL', { KAFKA_BROKERS: 'k:1' }, 'JWT_SECRET'],
    ['a short JWT_SECRET', { ...base, JWT_SECRET: 'short' }, 'JWT_SECRET'],
    ['a JWT_JWKS_URL that is no URL', { ...base, JWT_JWKS_URL: 'jwks' }, 'JWT_JWKS_URL'],
    ['GATEWAY_PORT not a number', { ...base, GATEWAY_PORT: 'http' }, 'GATEWAY_PORT'],
    ['AUTH_DEV_TOKENS not a boolean', { ...base, AUTH_DEV_TOKENS: 'maybe' }, 'AUTH_DEV_TOKENS'],
    ['AUTH_DEV_TOKENS without JWT_SECRET', { KAFKA_BROKERS: 'k:1', JWT_JWKS_URL: 'https://idp/jwks', AUTH_DEV_TOKENS: 'true' }, 'AUTH_DEV_TOKENS'],
    ['REQUEST_TIMEOUT_MS too small', { ...base, REQUEST_TIMEOUT_MS: '5' }, 'REQUEST_TIMEOUT_MS'],
    ['BODY_LIMIT_BYTES not a number', { ...base, BODY_LIMIT_BYTES: '64k' }, 'BODY_LIMIT_BYTES'],
    ['an unknown LOG_LEVEL', { ...base, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('refuses %s, naming the variable', (_, raw, variable) => {
    const found = problems(raw as Record<string, string>);
    expect(found.some((p) => p.startsWith(variable))).toBe(true);
  });

  it('never prints the secret', () => {
    expect(problems({ ...base, JWT_SECRET: 'short' }).join('\n')).not.toContain('short"');
  });
});
