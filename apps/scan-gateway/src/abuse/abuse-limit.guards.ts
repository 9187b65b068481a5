import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerRequest } from '@nestjs/throttler';
import { ApiError } from '../errors/api-error';
import { LimitScope, scopeOfThrottler } from './abuse-limits';

/** 429 RATE_LIMITED in the contract's format, with Retry-After (seconds) as a header and in the details. */
async function refuse(context: ExecutionContext, detail: ThrottlerLimitDetail, scope: LimitScope): Promise<never> {
  const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire));
  const reply = context.switchToHttp().getResponse<{ header(name: string, value: string): unknown }>();
  reply.header('retry-after', String(retryAfter));
  throw new ApiError(429, 'RATE_LIMITED', `too many requests from this ${scope === 'user' ? 'user' : 'address'}; retry after ${retryAfter} s`, [
    { scope, limit: detail.limit, windowSeconds: Math.round(detail.ttl / 1000), retryAfterSeconds: retryAfter },
  ]);
}

/**
 * Per client address, before authentication (a flood of bad tokens is limited too). Global guard: runs first.
 * The client address is the socket's (the gateway does not trust X-Forwarded-For; see README).
 */
@Injectable()
export class AddressLimitGuard extends ThrottlerGuard {
  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    return scopeOfThrottler(props.throttler.name) === 'address' ? super.handleRequest(props) : true;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    await refuse(context, detail, 'address');
  }
}

/**
 * Per user, after JwtAuthGuard (list it after that guard): the token's user, or for dev tokens the user asked for.
 * Anonymous requests are left to the address limit.
 */
@Injectable()
export class UserLimitGuard extends ThrottlerGuard {
  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    if (scopeOfThrottler(props.throttler.name) !== 'user') return true;
    const req = props.context.switchToHttp().getRequest<{ user?: { userId: string }; body?: { userId?: unknown } }>();
    const userId = req.user?.userId ?? (typeof req.body?.userId === 'string' ? req.body.userId : undefined);
    if (userId === undefined) return true;
    return super.handleRequest({ ...props, getTracker: () => userId });
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    await refuse(context, detail, 'user');
  }
}
