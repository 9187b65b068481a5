import { formatLogLine, isStartupNoise } from './log-format';

// Colours may be on (FORCE_COLOR under a terminal): compare the text.
const sut = (line: string) => formatLogLine(line).replace(/\x1b\[\d+m/g, '');

describe('formatLogLine', () => {
  it('prints a pino JSON line as time, level and message, then the other fields', () => {
    const line = JSON.stringify({ level: 30, time: Date.UTC(2026, 0, 2, 3, 4, 5, 678), pid: 1, hostname: 'h', msg: 'listening', port: 3101 });
    expect(sut(line)).toBe('03:04:05.678 info  listening port=3101');
  });

  it.each([
    [40, 'warn '],
    [50, 'error'],
    [20, 'debug'],
  ])('names pino level %d', (level, name) => {
    expect(sut(JSON.stringify({ level, time: 0, msg: 'x' }))).toBe(`00:00:00.000 ${name} x`);
  });

  it('shows an error by its message only', () => {
    const line = JSON.stringify({ level: 50, time: 0, msg: 'failed', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n at x' } });
    expect(sut(line)).toBe('00:00:00.000 error failed err="boom"');
  });

  it.each(['plain text', '{not json', '[1,2]', ''])('leaves %j unchanged', (line) => {
    expect(sut(line)).toBe(line);
  });
});

describe('formatLogLine for HTTP requests', () => {
  it('shows a pino-http line as method, url, status and time', () => {
    const line = JSON.stringify({
      level: 30,
      time: 0,
      instance: 'scan-gateway-dev',
      correlationId: 'c0ffee',
      req: { method: 'POST', url: '/v1/scans' },
      res: { statusCode: 200 },
      responseTime: 12,
      msg: 'request completed',
    });
    expect(sut(line)).toBe('00:00:00.000 info  POST /v1/scans 200 12ms');
  });
});

describe('isStartupNoise', () => {
  it.each([
    [{ level: 30, context: 'InstanceLoader', msg: 'AppModule dependencies initialized' }, true],
    [{ level: 30, context: 'RouterExplorer', msg: 'Mapped {/health, GET} route' }, true],
    [{ level: 30, context: 'NestApplication', msg: 'Nest application successfully started' }, false],
    [{ level: 50, context: 'InstanceLoader', msg: 'failed' }, false],
  ])('%j -> %s', (rec, expected) => {
    expect(isStartupNoise(JSON.stringify(rec))).toBe(expected);
  });

  it('keeps lines that are not JSON', () => {
    expect(isStartupNoise('Error: boom')).toBe(false);
  });
});
