/**
 * The terminal's client routes. The gateway answers each with index.html (apps/scan-gateway/src/web/web-terminal.ts,
 * WEB_TERMINAL_ROUTES: keep both lists equal). A second section (the merchant console) adds its own under /merchant.
 */
export const ROUTES = {
  scan: '/scan',
  wallet: '/wallet',
  cart: '/cart',
  orders: '/orders',
  order: '/orders/:orderId',
  signIn: '/sign-in',
} as const;

export const orderPath = (orderId: string) => `/orders/${encodeURIComponent(orderId)}`;
