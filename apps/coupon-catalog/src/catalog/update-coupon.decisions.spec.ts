import { CatalogEventTypes, CatalogCommandTypes, CouponEditCommandTypes, CouponEditEventTypes, CouponStatus, envelope } from '@coupons/contracts';
import { CatalogState, decideCatalogCommand } from './decisions';
import { CouponEntity } from './entities';
import { couponEntityFromCreated } from './mappers';

const now = new Date('2026-03-01T10:00:00.000Z');
const UNTIL = '2026-06-30T00:00:00.000Z';

function couponWith(o: { status?: CouponStatus; claimableUntil?: string | null } = {}): CouponEntity {
  const c = couponEntityFromCreated({
    merchantId: 'm-1', couponId: 'c-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, minSpend: 0, target: {}, storeIds: [], totalQuantity: 10,
    perUserLimit: 1, priority: 3, claimableUntil: o.claimableUntil === undefined ? UNTIL : o.claimableUntil, status: 'ACTIVE', createdAt: '2026-01-01T00:00:00.000Z',
  });
  c.status = o.status ?? 'ACTIVE';
  return c;
}

const stateWith = (coupon: CouponEntity | null): CatalogState => ({
  storeOwner: async () => 'm-1',
  skuWithGtin: async () => null,
  coupon: async (id) => (coupon && coupon.couponId === id ? coupon : null),
  unknownSkus: async () => new Set(),
  unknownStores: async () => new Set(),
});

const update = (payload: object) => envelope(CouponEditCommandTypes.updateCoupon, { merchantId: 'm-1', couponId: 'c-1', ...payload }, { aggregateId: 'c-1', correlationId: 'corr', eventId: 'cmd-1' });

describe('UpdateCoupon', () => {
  it('answers with every editable field after the edit, the unchanged ones as they were', async () => {
    const [e] = await decideCatalogCommand(update({ title: 'Now 6 off' }), stateWith(couponWith()), now);
    expect(e).toMatchObject({ type: CouponEditEventTypes.couponUpdated, causationId: 'cmd-1', aggregateId: 'c-1' });
    expect(e.payload).toEqual({ merchantId: 'm-1', couponId: 'c-1', title: 'Now 6 off', priority: 3, claimableUntil: UNTIL, status: 'ACTIVE' });
  });

  it.each([
    ['a later claimableUntil', { claimableUntil: '2026-07-31T00:00:00Z' }, { claimableUntil: '2026-07-31T00:00:00.000Z' }],
    ['the same claimableUntil', { claimableUntil: UNTIL }, { claimableUntil: UNTIL }],
    ['a pause', { status: 'PAUSED' }, { status: 'PAUSED' }],
    ['the end', { status: 'ENDED' }, { status: 'ENDED' }],
    ['a new priority', { priority: -5 }, { priority: -5 }],
  ])('takes %s', async (_, change, expected) => {
    const [e] = await decideCatalogCommand(update(change), stateWith(couponWith()), now);
    expect(e.type).toBe(CouponEditEventTypes.couponUpdated);
    expect(e.payload).toMatchObject(expected);
  });

  it.each([
    ['earlier than the current one', UNTIL, '2026-06-29T23:59:59Z'],
    ['on a coupon claimable for ever', null, '2030-01-01T00:00:00Z'],
  ])('refuses a claimableUntil %s, naming the field (422)', async (_, current, next) => {
    const [e] = await decideCatalogCommand(update({ claimableUntil: next }), stateWith(couponWith({ claimableUntil: current })), now);
    expect(e).toMatchObject({
      type: CatalogEventTypes.commandRejected,
      payload: { code: 'CLAIMABLE_UNTIL_EARLIER', httpStatus: 422, details: [{ field: 'claimableUntil' }] },
    });
  });

  it.each([{ status: 'ACTIVE' }, { status: 'ENDED' }, { title: 'revived' }])('changes nothing of an ENDED coupon: %j is COUPON_ENDED', async (change) => {
    const [e] = await decideCatalogCommand(update(change), stateWith(couponWith({ status: 'ENDED' })), now);
    expect(e).toMatchObject({ type: CatalogEventTypes.commandRejected, payload: { code: 'COUPON_ENDED', httpStatus: 409 } });
  });

  it('keeps ENDED final on the older SetCouponStatus too', async () => {
    const cmd = envelope(CatalogCommandTypes.setCouponStatus, { merchantId: 'm-1', couponId: 'c-1', status: 'ACTIVE' }, { aggregateId: 'c-1', correlationId: 'corr', eventId: 'cmd-2' });
    const [e] = await decideCatalogCommand(cmd, stateWith(couponWith({ status: 'ENDED' })), now);
    expect(e.payload).toMatchObject({ code: 'COUPON_ENDED' });
  });

  it('answers an unknown coupon 404 COUPON_NOT_FOUND', async () => {
    const [e] = await decideCatalogCommand(update({ title: 'x' }), stateWith(null), now);
    expect(e.payload).toMatchObject({ code: 'COUPON_NOT_FOUND', httpStatus: 404 });
  });
});
