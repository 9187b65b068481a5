import { SetMetadata } from '@nestjs/common';

export const ROLES = ['customer', 'merchant'] as const;
export type Role = (typeof ROLES)[number];

/** Who made the request, from a verified token. */
export interface AuthUser {
  userId: string;
  roles: Role[];
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
