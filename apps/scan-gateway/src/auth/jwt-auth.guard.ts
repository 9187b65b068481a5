import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../errors/api-error';
import { AUTH_METADATA, AuthRequirement, AuthUser } from './roles';
import { InvalidTokenError, TokenService } from './token.service';

const QUERY_TOKEN_METADATA = 'scan-gateway:query-token';
/** Also accept the token as `?access_token=` (EventSource can't set headers); only for the SSE stream. */
export const AllowQueryToken = () => SetMetadata(QUERY_TOKEN_METADATA, true);

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  query?: Record<string, unknown>;
  user?: AuthUser;
}

function bearerToken(req: RequestLike, allowQuery: boolean): string | undefined | null {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.trim() !== '') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? m[1] : null; // null: present but not a bearer token
  }
  const q = allowQuery ? req.query?.access_token : undefined;
  if (typeof q === 'string' && q !== '') return q;
  return undefined;
}

/**
 * Bearer JWT guard: 401 UNAUTHORIZED for a missing, malformed, forged or expired token, 403 FORBIDDEN when the token
 * lacks the route's role. Routes state their need with RequireRoles/OptionalAuth; a guarded route without one needs
 * any valid token.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(private readonly tokens: TokenService, private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const requirement = this.reflector.getAllAndOverride<AuthRequirement | null | undefined>(AUTH_METADATA, targets);
    if (requirement === null) return true;
    const need: AuthRequirement = requirement ?? { kind: 'authenticated' };
    const req = context.switchToHttp().getRequest<RequestLike>();
    const token = bearerToken(req, this.reflector.getAllAndOverride<boolean>(QUERY_TOKEN_METADATA, targets) === true);
    if (token === undefined) {
      if (need.kind === 'optional') return true;
      throw ApiError.unauthorized();
    }
    if (token === null) throw ApiError.unauthorized('the Authorization header must be "Bearer <token>"');
    try {
      req.user = await this.tokens.verify(token);
    } catch (err) {
      if (err instanceof InvalidTokenError) throw ApiError.unauthorized(err.message);
      throw err;
    }
    if (need.kind === 'roles' && !need.roles.some((r) => req.user!.roles.includes(r))) {
      throw ApiError.forbidden(`this operation needs the role ${need.roles.join(' or ')}`);
    }
    return true;
  }
}

/** The verified caller (undefined on an OptionalAuth route called without a token). */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser | undefined => {
  return ctx.switchToHttp().getRequest<RequestLike>().user;
});
