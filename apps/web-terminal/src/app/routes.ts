/**
 * The terminal's client routes. The gateway answers each with index.html (apps/scan-gateway/src/web/web-terminal.ts,
 * WEB_TERMINAL_ROUTES: keep both lists equal). The merchant console's are under /merchant.
 */
export const ROUTES = {
  scan: '/scan',
  wallet: '/wallet',
  cart: '/cart',
  orders: '/orders',
  order: '/orders/:orderId',
  signIn: '/sign-in',
  merchant: '/merchant',
  merchantSignIn: '/merchant/sign-in',
  merchantStores: '/merchant/stores',
  merchantProducts: '/merchant/products',
  merchantCoupons: '/merchant/coupons',
  merchantCoupon: '/merchant/coupons/:couponId',
} as const;

export const orderPath = (orderId: string) => `/orders/${encodeURIComponent(orderId)}`;
export const merchantCouponPath = (couponId: string) => `/merchant/coupons/${encodeURIComponent(couponId)}`;
