import { retryWithBackoff } from './retry';

describe('retryWithBackoff', () => {
  it('retries with doubling waits, capped, until an attempt succeeds', async () => {
    let attempts = 0;
    const waits: number[] = [];
    const ok = await retryWithBackoff(
      async () => {
        if (++attempts < 5) throw new Error(`down ${attempts}`);
      },
      { initialMs: 1, maxMs: 4, onFailure: (_err, delay) => waits.push(delay) },
    );
    expect({ ok, attempts, waits }).toEqual({ ok: true, attempts: 5, waits: [1, 2, 4, 4] });
  });

  it('gives up once stopped, without another attempt', async () => {
    let attempts = 0;
    let stopped = false;
    const ok = await retryWithBackoff(
      async () => {
        attempts++;
        stopped = true;
        throw new Error('down');
      },
      { initialMs: 1, stopped: () => stopped },
    );
    expect({ ok, attempts }).toEqual({ ok: false, attempts: 1 });
  });
});
