/**
 * Who is signed in: a bearer token kept in this tab's sessionStorage (closing the tab signs out; other tabs sign in on
 * their own). Two ways in, no passwords here:
 * - a deployment's identity provider sends the shopper back to `/sign-in#access_token=<JWT>` (the redirect of an
 *   OAuth 2.0 / OpenID Connect implicit or token-exchange flow); the app takes the token from the fragment and
 *   forgets the fragment. The gateway verifies it with JWT_JWKS_URL / JWT_ISSUER / JWT_AUDIENCE.
 * - under `npm start`, a dev sign-in by user id through POST /v1/auth/dev-token.
 * The shopper terminal and the merchant console keep their sessions under different keys (SESSION_KEYS), so one tab
 * can be signed in to both, as a shopper and as a merchant.
 */
export interface Session {
  token: string;
  userId: string;
  /** Seconds since the epoch, from the token's `exp`; null when it has none. */
  expiresAt: number | null;
  /** The token's `roles` (display only: the gateway decides what a role may do). */
  roles: string[];
  /** The merchant the token acts for (claim `mid`); null in a shopper's token or one minted before tenancy. */
  merchantId: string | null;
}

export const SESSION_KEYS = { shopper: 'scan-to-coupon.session', merchant: 'scan-to-coupon.merchant-session' } as const;
export type SessionKey = (typeof SESSION_KEYS)[keyof typeof SESSION_KEYS];

interface Claims {
  sub?: string;
  exp?: number;
  roles?: unknown;
  mid?: unknown;
}

/** The claims of a JWT, unverified (the gateway verifies; the app only needs them for display). */
export function readJwtClaims(token: string): Claims | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

export function sessionFromToken(token: string, nowSeconds = Date.now() / 1000): Session | null {
  const claims = readJwtClaims(token);
  if (!claims || typeof claims.sub !== 'string' || !claims.sub) return null;
  const expiresAt = typeof claims.exp === 'number' ? claims.exp : null;
  if (expiresAt !== null && expiresAt <= nowSeconds) return null;
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  const merchantId = typeof claims.mid === 'string' && claims.mid ? claims.mid : null;
  return { token, userId: claims.sub, expiresAt, roles, merchantId };
}

/** The token an identity provider put in the URL fragment (`#access_token=...`), if any. */
export function tokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get('access_token');
}

export function loadSession(storage: Pick<Storage, 'getItem'>, key: SessionKey = SESSION_KEYS.shopper): Session | null {
  const token = storage.getItem(key);
  return token ? sessionFromToken(token) : null;
}

export function saveSession(storage: Pick<Storage, 'setItem' | 'removeItem'>, session: Session | null, key: SessionKey = SESSION_KEYS.shopper): void {
  if (session) storage.setItem(key, session.token);
  else storage.removeItem(key);
}
