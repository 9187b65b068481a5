import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, jwtSecretFor, readStackConfig as sut } from './env';

describe('readStackConfig', () => {
  it('fills in the embedded defaults of DESIGN §3', () => {
    expect(sut({}, '/work/x')).toEqual({
      gatewayPort: 3000,
      dataDir: '/work/x/.data',
      kafkaBrokers: undefined,
      databaseUrl: undefined,
      jwtSecret: undefined,
      jwtJwksUrl: undefined,
      authDevTokens: true,
      host: '127.0.0.1',
      authDevTokensOnPublicHost: false,
      logLevel: 'info',
    });
  });

  it('listens on HOST; on a non-loopback one only without dev tokens, or when told explicitly', () => {
    expect(sut({ HOST: '0.0.0.0', AUTH_DEV_TOKENS: 'false' }).host).toBe('0.0.0.0');
    expect(sut({ HOST: '0.0.0.0', AUTH_DEV_TOKENS_ON_PUBLIC_HOST: 'true' })).toMatchObject({ host: '0.0.0.0', authDevTokensOnPublicHost: true });
    expect(() => sut({ HOST: '0.0.0.0' })).toThrow(/AUTH_DEV_TOKENS_ON_PUBLIC_HOST/);
    expect(() => sut({ HOST: '192.168.1.4' })).toThrow(ConfigError);
  });

  it('takes external Kafka and PostgreSQL and an absolute DATA_DIR', () => {
    const c = sut({ GATEWAY_PORT: '4000', DATA_DIR: 'var/d', KAFKA_BROKERS: 'k1:9092,k2:9092', DATABASE_URL: 'postgres://u:p@db/coupons', AUTH_DEV_TOKENS: 'false' }, '/srv');
    expect(c).toMatchObject({ gatewayPort: 4000, dataDir: '/srv/var/d', kafkaBrokers: 'k1:9092,k2:9092', databaseUrl: 'postgres://u:p@db/coupons', authDevTokens: false });
  });

  it.each([
    [{ GATEWAY_PORT: 'abc' }, 'GATEWAY_PORT'],
    [{ GATEWAY_PORT: '70000' }, 'GATEWAY_PORT'],
    [{ AUTH_DEV_TOKENS: 'yes please' }, 'AUTH_DEV_TOKENS'],
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ HOST: 'everywhere' }, 'HOST'],
  ])('refuses %j naming %s', (env, name) => {
    expect(() => sut(env, '/')).toThrow(ConfigError);
    expect(() => sut(env, '/')).toThrow(name);
  });
});

describe('jwtSecretFor', () => {
  it('generates a secret once and keeps it in DATA_DIR', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dev-stack-env-'));
    try {
      const config = sut({ DATA_DIR: dataDir });
      const first = jwtSecretFor(config);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(jwtSecretFor(config)).toBe(first);
      expect(readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim()).toBe(first);
      expect(jwtSecretFor(sut({ DATA_DIR: dataDir, JWT_SECRET: 'given' }))).toBe('given');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
