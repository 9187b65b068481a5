import { Role } from './roles';
import { merchantOf } from './merchant';

describe('merchantOf', () => {
  it.each([
    ['a merchant with its merchant id', { userId: 'u-1', roles: ['merchant'] as Role[], merchantId: 'm-1' }, 'm-1'],
    ['a merchant without one: its user id', { userId: 'u-1', roles: ['merchant'] as Role[] }, 'u-1'],
    ['the platform admin: everyone (null)', { userId: 'ops', roles: ['admin'] as Role[], merchantId: 'm-1' }, null],
  ])('%s', (_, user, expected) => {
    expect(merchantOf(user)).toBe(expected);
  });
});
