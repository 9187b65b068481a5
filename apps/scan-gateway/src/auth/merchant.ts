import { AuthUser, merchantScope } from './roles';

/**
 * Whose catalog rows a list shows: the caller's merchant id, or null for the platform's operator (role `admin`), who
 * sees every merchant's (the list queries' merchantId). From the same {@link merchantScope} every command uses.
 */
export function merchantOf(user: AuthUser): string | null {
  const scope = merchantScope(user);
  return scope.asAdmin ? null : scope.merchantId;
}
