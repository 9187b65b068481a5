import { SetMetadata } from '@nestjs/common';

/** `admin` is the platform's operator: on the merchant routes it sees and changes every merchant's entities. */
export const ROLES = ['customer', 'merchant', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who made the request, from a verified token. */
export interface AuthUser {
  userId: string;
  roles: Role[];
  /** A merchant's (or admin's) merchant id: the token's `mid`, else its `sub`. Absent on other tokens. */
  merchantId?: string;
}

/** Whom a merchant route acts for: the catalog scopes every command and query by it. */
export interface MerchantScope {
  merchantId: string;
  /** The platform's operator: no merchant filter; what it creates is its own merchant id's. */
  asAdmin: boolean;
}

/** The merchant scope of a caller that passed RequireRoles('merchant', 'admin'). */
export function merchantScope(user: AuthUser): MerchantScope {
  return { merchantId: user.merchantId ?? user.userId, asAdmin: user.roles.includes('admin') };
}

export const AUTH_METADATA = 'scan-gateway:auth';

/** How a route is protected: a role list (any of them is enough), 'authenticated' (any valid token) or 'optional'. */
export type AuthRequirement = { kind: 'roles'; roles: Role[] } | { kind: 'authenticated' } | { kind: 'optional' };

/** The route needs a valid token carrying one of these roles (403 otherwise). */
export const RequireRoles = (...roles: Role[]) => SetMetadata(AUTH_METADATA, { kind: 'roles', roles } satisfies AuthRequirement);
/** A token is accepted but not needed; a token that is present must be valid. */
export const OptionalAuth = () => SetMetadata(AUTH_METADATA, { kind: 'optional' } satisfies AuthRequirement);
/** Open route: no token looked at. */
export const Public = () => SetMetadata(AUTH_METADATA, null);
