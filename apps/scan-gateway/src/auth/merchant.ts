import { AuthUser } from './roles';

/**
 * Whose catalog rows a caller sees: its merchant id, or null for the platform's operator (role `admin`), who sees
 * every merchant's. Tenancy's token claim `mid` becomes `merchantId`; a merchant token without one is its own user
 * id, as `POST /v1/auth/dev-token` gives merchants without a merchantId.
 */
export function merchantOf(user: AuthUser & { merchantId?: string | null }): string | null {
  if ((user.roles as readonly string[]).includes('admin')) return null;
  return user.merchantId ?? user.userId;
}
