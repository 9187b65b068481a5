import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { Headers } from '@coupons/contracts';
import { randomUUID } from 'node:crypto';

const CORRELATION_ID = /^[\x21-\x7E]{1,128}$/;

/**
 * The request's correlation id: the one the logger assigned (from the incoming x-correlation-id header, else a new
 * uuid), carried into every command envelope and Kafka header the request causes.
 */
export const CorrelationId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest<{ raw?: { id?: unknown }; id?: unknown; headers: Record<string, unknown>; correlationId?: string }>();
  if (req.correlationId) return req.correlationId;
  // service-kit makes Fastify's request id the correlation id (the header's, else a new uuid) and echoes it back.
  const candidates = [req.headers[Headers.correlationId], req.id, req.raw?.id];
  const found = candidates.find((c): c is string => typeof c === 'string' && CORRELATION_ID.test(c));
  req.correlationId = found ?? randomUUID();
  return req.correlationId;
});
