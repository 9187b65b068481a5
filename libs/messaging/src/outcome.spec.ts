import { Outcome, isRetryableError } from './outcome';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });
const typeormError = (code: string) => Object.assign(new Error('query failed'), { driverError: pgError(code) });

describe('isRetryableError', () => {
  it.each([
    ['serialization failure', typeormError('40001')],
    ['deadlock', typeormError('40P01')],
    ['lock timeout', typeormError('55P03')],
    ['connection exception', pgError('08006')],
    ['admin shutdown', pgError('57P01')],
    ['refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['terminated connection', new Error('Connection terminated unexpectedly')],
    ['wrapped cause', new Error('outer', { cause: pgError('40001') })],
  ])('retries a %s', (_name, err) => {
    expect(isRetryableError(err)).toBe(true);
    expect(Outcome.fromError(err).status).toBe('retry');
  });

  it.each([
    ['unique violation', typeormError('23505')],
    ['check violation', typeormError('23514')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a string', 'boom'],
  ])('treats a %s as final', (_name, err) => {
    expect(isRetryableError(err)).toBe(false);
    expect(Outcome.fromError(err).status).toBe('failed');
  });
});
