import { describe, expect, it } from 'vitest';
import { ApiProblem } from '../shared/api';
import { couponFormField } from './coupon-form';
import { formErrors, normalizeField } from './field-errors';

const refusal = (details: unknown[], message = 'validation failed') => new ApiProblem(400, 'VALIDATION_FAILED', message, details);

describe('an API refusal spread over a form', () => {
  it('names fields one way, dotted or bracketed', () => {
    expect(normalizeField('items[0].sku')).toBe('items.0.sku');
    expect(normalizeField('items.0.sku')).toBe('items.0.sku');
    expect(normalizeField('target.skus[12]')).toBe('target.skus.12');
  });

  it('puts each detail beside the coupon form\'s field for it, the first message per field', () => {
    const errors = formErrors(refusal([
      { field: 'discount.amount', message: 'amount must not be less than 0' },
      { field: 'target.skus[1]', message: 'unknown sku x' },
      { field: 'target.skus[2]', message: 'unknown sku y' },
      { field: 'storeIds.0', message: 'no such store' },
      { field: 'discount', message: 'type must be AMOUNT_OFF or PERCENT_OFF' },
      { field: 'totalQuantity', message: 'totalQuantity must not be less than issued' },
    ]), couponFormField, 'offline');
    expect(errors.fields).toEqual({
      amount: 'amount must not be less than 0', skus: 'unknown sku x', storeIds: 'no such store', discountType: 'type must be AMOUNT_OFF or PERCENT_OFF',
      totalQuantity: 'totalQuantity must not be less than issued',
    });
    expect(errors.top).toEqual([]);
  });

  it('puts the message on top when no detail names a field the form has, and what is not an API answer too', () => {
    expect(formErrors(new ApiProblem(409, 'OUT_OF_STOCK', 'no stock'), couponFormField, 'offline')).toEqual({ fields: {}, top: ['no stock'] });
    expect(formErrors(refusal([{ field: 'nonsense', message: 'property nonsense should not exist' }, { message: 'no field' }], 'bad'), couponFormField, 'offline'))
      .toEqual({ fields: {}, top: ['bad', 'property nonsense should not exist', 'no field'] });
    expect(formErrors(new TypeError('x'), couponFormField, 'offline')).toEqual({ fields: {}, top: ['offline'] });
  });

  it('puts a refusal about one field beside it when its details name none (STORE_ID_TAKEN, BELOW_ISSUED)', () => {
    const storeField = (f: string) => (f === 'storeId' || f === 'name' ? f : null);
    expect(formErrors(new ApiProblem(409, 'STORE_ID_TAKEN', 'another merchant has this store id'), storeField, 'offline'))
      .toEqual({ fields: { storeId: 'another merchant has this store id' }, top: [] });
    expect(formErrors(new ApiProblem(409, 'BELOW_ISSUED', 'below the 3 issued'), couponFormField, 'offline')).toEqual({ fields: { totalQuantity: 'below the 3 issued' }, top: [] });
  });
});
