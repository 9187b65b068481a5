import { decisionTime } from './command-pipeline';

describe('decisionTime', () => {
  const clock = () => new Date('2030-01-01T00:00:00.000Z');

  it("is the command's own time (when the gateway accepted it), however late it is decided", () => {
    expect(decisionTime({ occurredAt: '2026-03-10T15:59:59.999Z' }, clock).toISOString()).toBe('2026-03-10T15:59:59.999Z');
    expect(decisionTime({ occurredAt: '2026-03-10T23:59:59.999+08:00' }, clock).toISOString()).toBe('2026-03-10T15:59:59.999Z');
  });

  it('falls back to the clock only for an envelope without a readable time', () => {
    expect(decisionTime({ occurredAt: 'yesterday' }, clock)).toEqual(clock());
  });
});
