/** What the gateway pushes (DESIGN §4, GET /v1/notifications/stream). */
export type TerminalEvent =
  | { id: string; type: 'coupon.claimed'; data: { claimId: string; couponId: string; title: string } }
  | { id: string; type: 'order.processed'; data: { orderId: string; total: number; discount: number; appliedCoupon: { claimId: string; couponId: string; title: string } | null } }
  | { id: string; type: 'order.cancelled'; data: { orderId: string } };

export const EVENT_TYPES = ['coupon.claimed', 'order.processed', 'order.cancelled'] as const;

export type StreamState = 'connecting' | 'live' | 'reconnecting';

interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: Event) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

const CLOSED = 2;

/**
 * The one stream of a signed-in tab. The browser's EventSource reconnects by itself and sends Last-Event-ID; when it
 * gives up (the gateway answered an error while restarting), a new one is opened with `?lastEventId=` so nothing
 * pushed meanwhile is missed. Ids already seen are dropped (a reconnect may replay some).
 */
export class NotificationStream {
  private source: EventSourceLike | null = null;
  private lastEventId: string | null = null;
  private readonly seen = new Set<string>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryDelay = 1000;
  private stopped = false;
  private state: StreamState = 'connecting';

  constructor(
    private readonly token: string,
    private readonly onEvent: (e: TerminalEvent) => void,
    private readonly onState: (s: StreamState) => void,
    private readonly open: EventSourceFactory = (url) => new EventSource(url),
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = null;
  }

  /** After the tab comes back online: reconnect now rather than at the next retry. */
  reconnectNow(): void {
    if (this.stopped || this.state === 'live') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.source?.close();
    this.connect();
  }

  url(): string {
    const params = new URLSearchParams({ access_token: this.token });
    if (this.lastEventId) params.set('lastEventId', this.lastEventId);
    return `/v1/notifications/stream?${params}`;
  }

  private setState(s: StreamState): void {
    if (s === this.state) return;
    this.state = s;
    this.onState(s);
  }

  private connect(): void {
    const source = this.open(this.url());
    this.source = source;
    source.onopen = () => {
      this.retryDelay = 1000;
      this.setState('live');
    };
    source.onerror = () => {
      if (this.stopped || source !== this.source) return;
      this.setState('reconnecting');
      if (source.readyState === CLOSED) this.scheduleReopen();
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, (ev) => this.receive(type, ev));
  }

  private scheduleReopen(): void {
    this.source?.close();
    this.source = null;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.connect();
    }, this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, 15_000);
  }

  private receive(type: TerminalEvent['type'], ev: MessageEvent): void {
    const id = ev.lastEventId;
    if (id) {
      this.lastEventId = id;
      if (this.seen.has(id)) return;
      this.seen.add(id);
      if (this.seen.size > 500) this.seen.delete(this.seen.values().next().value!);
    }
    let data: unknown;
    try {
      data = JSON.parse(String(ev.data));
    } catch {
      return;
    }
    this.onEvent({ id, type, data } as TerminalEvent);
  }
}
