import { FoldProgress } from './fold-progress';

describe('FoldProgress', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('wakes every waiter when a fold commits, long before their fallback', async () => {
    const progress = new FoldProgress();
    const woken: number[] = [];
    const waits = [1, 2].map((n) => progress.next(60_000).then(() => woken.push(n)));
    await Promise.resolve();
    expect(woken).toEqual([]);
    progress.advanced();
    await Promise.all(waits);
    expect(woken).toEqual([1, 2]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('resolves after the fallback when nothing is folded, and forgets that waiter', async () => {
    const progress = new FoldProgress();
    let done = false;
    const wait = progress.next(100).then(() => (done = true));
    jest.advanceTimersByTime(99);
    await Promise.resolve();
    expect(done).toBe(false);
    jest.advanceTimersByTime(1);
    await wait;
    expect(done).toBe(true);
    // A fold afterwards finds no waiter left (nothing to call twice).
    expect(() => progress.advanced()).not.toThrow();
  });
});
