import { ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ThrottlerOptions } from '@nestjs/throttler';
import { GatewayEnv } from '../config/gateway.env';

/** The routes an abuser would hammer, each limited on its own (per client address and per user). */
export const LIMITED_ROUTES = ['scans', 'claims', 'orders', 'devTokens'] as const;
export type LimitedRoute = (typeof LIMITED_ROUTES)[number];
/** Everything else under /v1 (admin, wallet, reads, streams): per client address only. */
export type RouteGroup = LimitedRoute | 'other';
export type LimitScope = 'address' | 'user';

const ROUTE_GROUP = 'scan-gateway:abuse-route-group';

/** Marks a route (or controller) as one of the separately limited groups. */
export const AbuseLimited = (group: LimitedRoute) => SetMetadata(ROUTE_GROUP, group);

const reflector = new Reflector();

/** The group a request's route is limited in; `null` outside the API (/health, /metrics, /docs). */
export function routeGroupOf(context: ExecutionContext): RouteGroup | null {
  const group = reflector.getAllAndOverride<LimitedRoute | undefined>(ROUTE_GROUP, [context.getHandler(), context.getClass()]);
  if (group) return group;
  const url = context.switchToHttp().getRequest<{ url?: string }>().url ?? '';
  return url.startsWith('/v1/') ? 'other' : null;
}

/** Requests allowed per window, per group and scope (0: no limit), from the environment. */
export function limitOf(env: GatewayEnv, group: RouteGroup, scope: LimitScope): number {
  const table: Record<RouteGroup, Record<LimitScope, number>> = {
    scans: { address: env.RATE_LIMIT_SCANS_PER_ADDRESS, user: env.RATE_LIMIT_SCANS_PER_USER },
    claims: { address: env.RATE_LIMIT_CLAIMS_PER_ADDRESS, user: env.RATE_LIMIT_CLAIMS_PER_USER },
    orders: { address: env.RATE_LIMIT_ORDERS_PER_ADDRESS, user: env.RATE_LIMIT_ORDERS_PER_USER },
    devTokens: { address: env.RATE_LIMIT_DEV_TOKENS_PER_ADDRESS, user: env.RATE_LIMIT_DEV_TOKENS_PER_USER },
    other: { address: env.RATE_LIMIT_OTHER_PER_ADDRESS, user: 0 },
  };
  return table[group][scope];
}

export function throttlerName(group: RouteGroup, scope: LimitScope): string {
  return `${group}:${scope}`;
}

export function scopeOfThrottler(name: string | undefined): LimitScope {
  return name?.endsWith(':user') ? 'user' : 'address';
}

/**
 * One named throttler per group and scope (@nestjs/throttler, in-memory per gateway instance), each applying only to
 * its own group's routes; a limit of 0 leaves that one off.
 */
export function throttlersFor(env: GatewayEnv): ThrottlerOptions[] {
  const groups: RouteGroup[] = [...LIMITED_ROUTES, 'other'];
  return groups.flatMap((group) =>
    (['address', 'user'] as const)
      .filter((scope) => limitOf(env, group, scope) > 0)
      .map((scope) => ({
        name: throttlerName(group, scope),
        limit: limitOf(env, group, scope),
        ttl: env.RATE_LIMIT_WINDOW_MS,
        skipIf: (context: ExecutionContext) => routeGroupOf(context) !== group,
      })),
  );
}
