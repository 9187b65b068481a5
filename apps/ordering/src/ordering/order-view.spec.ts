import { CustomerOrderEntity, OrderLineEntity } from './entities';
import { orderView } from './order-view';

const order = (over: Partial<CustomerOrderEntity> = {}) =>
  Object.assign(new CustomerOrderEntity(), {
    orderId: 'o-1', userId: 'u-1', storeId: 's-1', status: 'PROCESSED', subtotal: 1500, discount: 500, total: 1000, currency: 'CNY',
    appliedClaimId: 'cl-1', appliedCouponId: 'c-1', appliedTitle: '5 off', processedAt: new Date(), cancelledAt: null, ...over,
  });
const line = (lineNo: number, sku: string) => Object.assign(new OrderLineEntity(), { orderId: 'o-1', lineNo, sku, quantity: 1, unitPrice: 750, lineTotal: 750 });

describe('orderView', () => {
  it('lists lines in order and the applied coupon', () => {
    expect(orderView(order(), [line(1, 'b'), line(0, 'a')])).toEqual({
      orderId: 'o-1', status: 'PROCESSED', storeId: 's-1',
      items: [{ sku: 'a', quantity: 1, unitPrice: 750, lineTotal: 750 }, { sku: 'b', quantity: 1, unitPrice: 750, lineTotal: 750 }],
      subtotal: 1500, discount: 500, total: 1000, currency: 'CNY', appliedCoupon: { claimId: 'cl-1', couponId: 'c-1', title: '5 off' },
    });
  });

  it('shows no coupon when none was applied', () => {
    expect(orderView(order({ appliedClaimId: null, appliedCouponId: null, appliedTitle: null, discount: 0 }), []).appliedCoupon).toBeNull();
  });
});
