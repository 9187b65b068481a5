import { describe, expect, it } from 'vitest';
import { ClaimPresses } from './claim-button-state';

describe('ClaimPresses', () => {
  it('ignores a second tap while the first press is in flight, and gives each press its own key', () => {
    let n = 0;
    const sut = new ClaimPresses(() => `key-${++n}`);
    expect(sut.press('c-1')).toBe('key-1');
    expect(sut.press('c-1')).toBeNull();
    expect(sut.press('c-2')).toBe('key-2');
    sut.done('c-1');
    expect(sut.pending('c-1')).toBe(false);
    expect(sut.press('c-1')).toBe('key-3');
  });
});
