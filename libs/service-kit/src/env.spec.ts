import { DatabaseEnv, EnvValidationError, HttpEnv, KafkaEnv, ServiceEnv, loadEnv, validateEnv } from './env';

class CatalogEnv extends ServiceEnv {
  override HTTP_PORT = 3101;
  override DATABASE_SCHEMA = 'coupon_catalog';
}

const good = { KAFKA_BROKERS: 'localhost:9092, kafka-2:9093', DATABASE_URL: 'postgres://u:p@db:5432/coupons' };

function problemsOf(cls: Parameters<typeof validateEnv>[0], raw: Record<string, unknown>): string[] {
  try {
    validateEnv(cls)(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvValidationError);
    return (err as EnvValidationError).problems;
  }
  throw new Error('expected validation to fail');
}

describe('validateEnv', () => {
  it('converts variables and applies defaults from initializers', () => {
    const sut = validateEnv(CatalogEnv);
    const env = sut({ ...good, PATH: '/usr/bin' });
    expect(env.KAFKA_BROKERS).toEqual(['localhost:9092', 'kafka-2:9093']);
    expect(env.HTTP_PORT).toBe(3101);
    expect(env.DATABASE_SCHEMA).toBe('coupon_catalog');
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.INSTANCE_ID).toMatch(/-\d+$/);
    expect(env).not.toHaveProperty('PATH');
  });

  it('reads given values over defaults', () => {
    const env = validateEnv(CatalogEnv)({ ...good, HTTP_PORT: '8080', DATABASE_SCHEMA: 'cat2', LOG_LEVEL: 'debug', INSTANCE_ID: 'cat-1' });
    expect(env).toMatchObject({ HTTP_PORT: 8080, DATABASE_SCHEMA: 'cat2', LOG_LEVEL: 'debug', INSTANCE_ID: 'cat-1' });
  });

  it('names every missing required variable at once', () => {
    const problems = problemsOf(CatalogEnv, {});
    expect(problems).toEqual([
      expect.stringMatching(/^KAFKA_BROKERS: missing/),
      expect.stringMatching(/^DATABASE_URL: missing/),
    ]);
  });

  it.each([
    ['KAFKA_BROKERS', 'localhost', /^KAFKA_BROKERS: .*host:port/],
    ['KAFKA_BROKERS', 'a:1,b', /^KAFKA_BROKERS: .*host:port/],
    ['DATABASE_URL', 'mysql://db/x', /^DATABASE_URL: .*postgres/],
    ['DATABASE_URL', 'not a url', /^DATABASE_URL: .*postgres/],
    ['HTTP_PORT', '0', /^HTTP_PORT: .*1\.\.65535/],
    ['HTTP_PORT', '70000', /^HTTP_PORT: .*1\.\.65535/],
    ['HTTP_PORT', 'eighty', /^HTTP_PORT: .*1\.\.65535/],
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL: .*one of fatal/],
    ['DATABASE_SCHEMA', 'Bad-Schema', /^DATABASE_SCHEMA: .*identifier/],
  ])('names %s when it is %p', (name, value, pattern) => {
    const problems = problemsOf(CatalogEnv, { ...good, [name]: value });
    expect(problems).toEqual([expect.stringMatching(pattern)]);
  });

  it('never prints a database password', () => {
    const problems = problemsOf(CatalogEnv, { ...good, HTTP_PORT: 'x', DATABASE_URL: 'mysql://u:hunter2@db/x' });
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('composes independent env classes', () => {
    const env = validateEnv([KafkaEnv, HttpEnv, DatabaseEnv])({ ...good, HTTP_PORT: '3000' });
    expect(env).toMatchObject({ KAFKA_BROKERS: ['localhost:9092', 'kafka-2:9093'], HTTP_PORT: 3000, DATABASE_URL: good.DATABASE_URL });
    expect(problemsOf([KafkaEnv, HttpEnv], {})).toEqual([expect.stringMatching(/^KAFKA_BROKERS/), expect.stringMatching(/^HTTP_PORT/)]);
  });

  it('treats an empty variable as unset', () => {
    expect(validateEnv(CatalogEnv)({ ...good, HTTP_PORT: '', LOG_LEVEL: '' })).toMatchObject({ HTTP_PORT: 3101, LOG_LEVEL: 'info' });
  });
});

describe('loadEnv', () => {
  it('prints the problems and exits 1', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => loadEnv(CatalogEnv, { DATABASE_URL: good.DATABASE_URL })).toThrow('exit 1');
      expect(String(stderr.mock.calls[0][0])).toMatch(/Invalid environment:\n {2}KAFKA_BROKERS: missing/);
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
    }
  });
});
