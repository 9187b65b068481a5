import { Envelope, envelope } from '@coupons/contracts';
import { inFoldOrder } from './order-run';

const ev = (type: string, n: number): Envelope => envelope(type, { n }, { aggregateId: 'u-1', correlationId: 'c', eventId: `${type}-${n}` });
const P = (n: number) => ev('OrderProcessed', n);
const R = (n: number) => ev('CouponRedeemed', n);
const X = (n: number) => ev('OrderRejected', n);
const C = (n: number) => ev('OrderCancelled', n);
const L = (n: number) => ev('CouponReleased', n);

describe('inFoldOrder', () => {
  it.each([
    ['nothing', [], []],
    ['orders with redemptions, grouped by type', [P(1), R(1), P(2), X(3), R(2)], [P(1), P(2), R(1), R(2), X(3)]],
    ['a cancellation keeps its place: nothing moves across it', [P(1), R(1), C(1), L(1), P(2), R(2)], [P(1), R(1), C(1), L(1), P(2), R(2)]],
    ['stretches on either side of a cancellation are grouped apart', [P(1), R(1), P(2), C(1), P(3), R(3), P(4)], [P(1), P(2), R(1), C(1), P(3), P(4), R(3)]],
  ])('%s', (_name, events, folded) => {
    const sut = inFoldOrder(events);
    expect(sut.map((e) => e.eventId)).toEqual(folded.map((e) => e.eventId));
  });
});
