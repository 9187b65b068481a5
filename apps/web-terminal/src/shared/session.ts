/**
 * Who is signed in: a bearer token kept in this tab's sessionStorage (closing the tab signs out; other tabs sign in on
 * their own). Two ways in, no passwords here:
 * - a deployment's identity provider sends the shopper back to `/sign-in#access_token=<JWT>` (the redirect of an
 *   OAuth 2.0 / OpenID Connect implicit or token-exchange flow); the app takes the token from the fragment and
 *   forgets the fragment. The gateway verifies it with JWT_JWKS_URL / JWT_ISSUER / JWT_AUDIENCE.
 * - under `npm start`, a dev sign-in by user id through POST /v1/auth/dev-token.
 */
export interface Session {
  token: string;
  userId: string;
  /** Seconds since the epoch, from the token's `exp`; null when it has none. */
  expiresAt: number | null;
}

const STORAGE_KEY = 'scan-to-coupon.session';

/** The claims of a JWT, unverified (the gateway verifies; the app only needs `sub` and `exp` for display). */
export function readJwtClaims(token: string): { sub?: string; exp?: number } | null {
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
  return { token, userId: claims.sub, expiresAt };
}

/** The token an identity provider put in the URL fragment (`#access_token=...`), if any. */
export function tokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get('access_token');
}

export function loadSession(storage: Pick<Storage, 'getItem'>): Session | null {
  const token = storage.getItem(STORAGE_KEY);
  return token ? sessionFromToken(token) : null;
}

export function saveSession(storage: Pick<Storage, 'setItem' | 'removeItem'>, session: Session | null): void {
  if (session) storage.setItem(STORAGE_KEY, session.token);
  else storage.removeItem(STORAGE_KEY);
}
