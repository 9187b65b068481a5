import { Topics, envelope } from '@coupons/contracts';
import { Kafka } from 'kafkajs';
import { GatewayEnv } from '../config/gateway.env';
import { gatewayEventReader } from '../messaging/event-reader';
import { ObservedEvent, OutcomeListener } from '../messaging/outcome-listener';
import { NotificationHistory } from './notification-history';
import { Notification, NotificationHub, RING_SIZE, toNotification } from './notification-hub';

function claimed(userId: string, partition: number, offset: number, occurredAt?: string): ObservedEvent {
  const payload = { claimId: `clm_${offset}`, couponId: 'cpn_1', userId, title: 'T', discount: { type: 'AMOUNT_OFF', amount: 1 }, claimedAt: '2026-01-01T00:00:00.000Z', validUntil: null, issuedCount: 1 };
  return { envelope: envelope('CouponClaimed', payload, { aggregateId: 'cpn_1', correlationId: 'c', causationId: 'x', occurredAt }), topic: Topics.walletEvents, partition, offset: String(offset) };
}

describe('toNotification', () => {
  it.each([
    ['CouponClaimed', Topics.walletEvents, 'CouponClaimed', { claimId: 'c1', couponId: 'p1', userId: 'u1', title: 'T' }, 'coupon.claimed', { claimId: 'c1', couponId: 'p1', title: 'T' }],
    ['OrderProcessed', Topics.orderingEvents, 'OrderProcessed', { orderId: 'o1', userId: 'u1', total: 90, discount: 10, appliedCoupon: null, subtotal: 100 }, 'order.processed', { orderId: 'o1', total: 90, discount: 10, appliedCoupon: null }],
    ['OrderCancelled', Topics.orderingEvents, 'OrderCancelled', { orderId: 'o1', userId: 'u1', cancelledAt: 'x' }, 'order.cancelled', { orderId: 'o1' }],
  ])('turns %s into its push', (_, topic, type, payload, event, data) => {
    const sut = toNotification({ envelope: envelope(type, payload, { aggregateId: 'a', correlationId: 'c' }), topic, partition: 2, offset: '41' });
    expect(sut).toEqual({ userId: 'u1', notification: { id: `${topic}:2:41`, event, data } });
  });

  it.each([
    ['a claim refusal', Topics.walletEvents, 'ClaimRejected'],
    ['a redemption', Topics.orderingEvents, 'CouponRedeemed'],
    ['a catalog event', Topics.catalogEvents, 'StoreUpserted'],
  ])('pushes nothing for %s', (_, topic, type) => {
    expect(toNotification({ envelope: envelope(type, { userId: 'u1' }, { aggregateId: 'a', correlationId: 'c' }), topic, partition: 0, offset: '1' })).toBeNull();
  });
});

describe('NotificationHub', () => {
  let listener: OutcomeListener;
  let sut: NotificationHub;
  beforeEach(() => {
    listener = new OutcomeListener(gatewayEventReader({} as Kafka, Object.assign(new GatewayEnv(), { INSTANCE_ID: 't', KAFKA_BROKERS: ['x:1'] })));
    sut = new NotificationHub(listener);
    sut.onModuleInit();
  });
  afterEach(() => sut.onModuleDestroy());

  it("delivers a user's events to that user's subscribers only, once each", () => {
    const alice: Notification[] = [];
    const bob: Notification[] = [];
    sut.subscribe('alice', (n) => alice.push(n));
    sut.subscribe('bob', (n) => bob.push(n));
    listener.dispatch(claimed('alice', 0, 5));
    listener.dispatch(claimed('alice', 0, 5)); // redelivered
    expect(alice.map((n) => n.id)).toEqual(['wallet.events.v1:0:5']);
    expect(bob).toEqual([]);
  });

  it('pushes an event written twice (a relay re-sent it, a second position) once', () => {
    const alice: Notification[] = [];
    sut.subscribe('alice', (n) => alice.push(n));
    const first = claimed('alice', 0, 5);
    listener.dispatch(first);
    listener.dispatch({ ...first, offset: '6' });
    expect(alice.map((n) => n.id)).toEqual(['wallet.events.v1:0:5']);
  });

  it('replays everything after a known Last-Event-ID', () => {
    [1, 2, 3].forEach((o) => listener.dispatch(claimed('alice', 0, o)));
    expect(sut.missedSince('alice', 'wallet.events.v1:0:1').map((n) => n.id)).toEqual(['wallet.events.v1:0:2', 'wallet.events.v1:0:3']);
    expect(sut.missedSince('alice', 'wallet.events.v1:0:3')).toEqual([]);
    expect(sut.missedSince('alice', undefined)).toEqual([]);
  });

  it('for an id it does not hold, replays all but what is older on the same partition', () => {
    listener.dispatch(claimed('alice', 0, 10));
    listener.dispatch(claimed('alice', 1, 3));
    listener.dispatch(claimed('alice', 0, 12));
    expect(sut.missedSince('alice', 'wallet.events.v1:0:11').map((n) => n.id)).toEqual(['wallet.events.v1:1:3', 'wallet.events.v1:0:12']);
  });

  it(`keeps the last ${RING_SIZE} notifications per user`, () => {
    for (let o = 0; o < RING_SIZE + 5; o++) listener.dispatch(claimed('alice', 0, o));
    const all = sut.missedSince('alice', 'wallet.events.v1:0:0-unknown');
    expect(all).toHaveLength(RING_SIZE);
    expect(all[0].id).toBe('wallet.events.v1:0:5');
  });

  it('stops delivering after unsubscribe', () => {
    const got: Notification[] = [];
    const off = sut.subscribe('alice', (n) => got.push(n));
    off();
    listener.dispatch(claimed('alice', 0, 1));
    expect(got).toEqual([]);
    expect(sut.connectionCount()).toBe(0);
  });
});

describe('NotificationHub after a restart', () => {
  it('puts the recent past in the rings in the order it happened, then the live events that arrived meanwhile', async () => {
    const listener = new OutcomeListener(gatewayEventReader({} as Kafka, Object.assign(new GatewayEnv(), { INSTANCE_ID: 't', KAFKA_BROKERS: ['x:1'] })));
    jest.spyOn(listener, 'isReady').mockReturnValue(true);
    let release!: (events: ObservedEvent[]) => void;
    const history = { read: () => new Promise<ObservedEvent[]>((r) => (release = r)) } as unknown as NotificationHistory;
    const sut = new NotificationHub(listener, history);
    sut.onModuleInit();
    const live: Notification[] = [];
    sut.subscribe('alice', (n) => live.push(n));
    listener.dispatch(claimed('alice', 0, 9, '2026-01-01T00:00:09.000Z')); // live, while the past is read
    listener.dispatch(claimed('alice', 0, 8, '2026-01-01T00:00:08.000Z')); // also in the history: pushed once
    await new Promise((r) => setTimeout(r, 10));
    expect(live).toEqual([]);
    release([claimed('alice', 1, 4, '2026-01-01T00:00:07.000Z'), claimed('alice', 0, 8, '2026-01-01T00:00:08.000Z'), claimed('alice', 0, 2, '2026-01-01T00:00:02.000Z')]);
    await sut.whenHistoryRead(1000);
    const order = ['wallet.events.v1:0:2', 'wallet.events.v1:1:4', 'wallet.events.v1:0:8', 'wallet.events.v1:0:9'];
    expect(sut.missedSince('alice', 'wallet.events.v1:0:0').map((n) => n.id)).toEqual(order);
    expect(sut.missedSince('alice', 'wallet.events.v1:1:4').map((n) => n.id)).toEqual(order.slice(2));
    // The past is for replays after a Last-Event-ID; only what happened since this start is pushed.
    expect(live.map((n) => n.id)).toEqual(['wallet.events.v1:0:9', 'wallet.events.v1:0:8']);
    sut.onModuleDestroy();
  });
});
