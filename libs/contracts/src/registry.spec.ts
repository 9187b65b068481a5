import { envelope } from './envelope';
import { decodeMessage } from './registry';

const coupon = {
  merchantId: 'm-1', couponId: 'c-1', title: '10 off', minSpend: 0, target: {}, storeIds: [], totalQuantity: 5, perUserLimit: 1, priority: 0,
};

describe('decodeMessage', () => {
  it.each([
    ['amount off', { type: 'AMOUNT_OFF', amount: 1000 }],
    ['percent off with cap', { type: 'PERCENT_OFF', percent: 15, maxDiscount: 500 }],
  ])('accepts a CreateCoupon with %s', (_, discount) => {
    const sut = decodeMessage(Buffer.from(JSON.stringify(envelope('CreateCoupon', { ...coupon, discount }, { aggregateId: 'c-1', correlationId: 'x' }))));
    expect(sut.ok).toBe(true);
    if (sut.ok) expect((sut.envelope.payload as any).discount).toEqual(discount);
  });

  it.each([
    ['a bad percent', { ...coupon, discount: { type: 'PERCENT_OFF', percent: 101 } }, 'percent'],
    ['an unknown discount type', { ...coupon, discount: { type: 'FREE', amount: 1 } }, 'discount'],
    ['an unknown field', { ...coupon, discount: { type: 'AMOUNT_OFF', amount: 1 }, extra: 1 }, 'extra'],
    ['a fractional quantity', { ...coupon, discount: { type: 'AMOUNT_OFF', amount: 1 }, totalQuantity: 1.5 }, 'totalQuantity'],
  ])('refuses %s and names the field', (_, payload, field) => {
    const sut = decodeMessage(JSON.stringify(envelope('CreateCoupon', payload, { aggregateId: 'c-1', correlationId: 'x' })));
    expect(sut.ok).toBe(false);
    if (!sut.ok) expect(sut.reason).toContain(field);
  });

  it.each([
    ['garbage', Buffer.from('{nope'), 'not JSON'],
    ['null', null, 'empty'],
    ['no envelope', Buffer.from('{"a":1}'), 'envelope'],
    ['unknown type', JSON.stringify(envelope('Nope', {}, { aggregateId: 'a', correlationId: 'b' })), 'unknown message type'],
  ])('reports %s without throwing', (_, value, reason) => {
    const sut = decodeMessage(value);
    expect(sut).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});
