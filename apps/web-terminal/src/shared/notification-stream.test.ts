import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotificationStream, StreamState, TerminalEvent } from './notification-stream';

class FakeSource {
  readyState = 0;
  onopen: ((ev: Event) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  closed = false;
  private readonly listeners = new Map<string, (ev: MessageEvent) => void>();
  constructor(readonly url: string) {}
  addEventListener(type: string, l: (ev: MessageEvent) => void) {
    this.listeners.set(type, l);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, id: string, data: object) {
    this.listeners.get(type)?.(new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id }));
  }
}

describe('NotificationStream', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reopens a stream the browser gave up on with the last event id, and drops replayed ids', () => {
    const sources: FakeSource[] = [];
    const events: TerminalEvent[] = [];
    const states: StreamState[] = [];
    const sut = new NotificationStream('tok', (e) => events.push(e), (s) => states.push(s), (url) => {
      const s = new FakeSource(url);
      sources.push(s);
      return s;
    });
    sut.start();
    expect(sources[0].url).toBe('/v1/notifications/stream?access_token=tok');
    sources[0].onopen!(new Event('open'));
    sources[0].emit('coupon.claimed', 'wallet.events.v1:0:7', { claimId: 'cl', couponId: 'c', title: 'T' });

    sources[0].readyState = 2; // CLOSED: the gateway answered an error while restarting
    sources[0].onerror!(new Event('error'));
    expect(states).toEqual(['live', 'reconnecting']);
    vi.advanceTimersByTime(1000);
    expect(sources).toHaveLength(2);
    expect(sources[1].url).toBe('/v1/notifications/stream?access_token=tok&lastEventId=wallet.events.v1%3A0%3A7');
    sources[1].onopen!(new Event('open'));
    sources[1].emit('coupon.claimed', 'wallet.events.v1:0:7', { claimId: 'cl', couponId: 'c', title: 'T' });
    sources[1].emit('order.processed', 'ordering.events.v1:1:3', { orderId: 'o', total: 100, discount: 0, appliedCoupon: null });
    expect(events.map((e) => [e.type, e.id])).toEqual([['coupon.claimed', 'wallet.events.v1:0:7'], ['order.processed', 'ordering.events.v1:1:3']]);
    expect(states).toEqual(['live', 'reconnecting', 'live']);
    sut.stop();
    expect(sources[1].closed).toBe(true);
  });

  it('leaves a stream the browser is still retrying alone', () => {
    const sources: FakeSource[] = [];
    const sut = new NotificationStream('tok', () => undefined, () => undefined, (url) => {
      const s = new FakeSource(url);
      sources.push(s);
      return s;
    });
    sut.start();
    sources[0].readyState = 0; // CONNECTING: EventSource retries by itself, with Last-Event-ID
    sources[0].onerror!(new Event('error'));
    vi.advanceTimersByTime(20_000);
    expect(sources).toHaveLength(1);
  });
});
