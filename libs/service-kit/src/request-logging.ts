import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Level, Logger } from 'pino';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** See {@link RequestLogLevel}. */
    requestLogLevel?: Level;
  }
}

/**
 * The level of a route's "request completed" lines (default `info`); a 5xx answer is always logged at `error`. For hot
 * read routes whose every answer at info would be most of the log (the gateway's scans log at `debug`).
 */
export const RequestLogLevel = (level: Level) => RouteConfig({ requestLogLevel: level });

/** Probes would drown the log. */
const UNLOGGED = /^\/(health|metrics)(\?|$)/;

/**
 * One JSON line per answered request, written from Fastify's `onResponse` hook: `correlationId` (the request id, see
 * createServiceApp), `req` {method, url}, `res` {statusCode}, `responseTime` (ms), msg "request completed" (a 5xx:
 * "request errored" at `error`).
 *
 * Why not nestjs-pino's pino-http middleware: it binds a logger to each request through AsyncLocalStorage, whose
 * promise hooks (Node 20) slow every promise in the process; the gateway answered some 30% fewer scans/s with it.
 * A line whose level is off costs one `isLevelEnabled` call.
 */
export function logRequests(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    writeRequestLine(logger, request, reply);
    done();
  });
}

function writeRequestLine(logger: Logger, request: FastifyRequest, reply: FastifyReply): void {
  const errored = reply.statusCode >= 500;
  const level: Level = errored ? 'error' : request.routeOptions?.config?.requestLogLevel ?? 'info';
  if (!logger.isLevelEnabled(level) || UNLOGGED.test(request.url)) return;
  logger[level](
    {
      correlationId: request.id,
      req: { method: request.method, url: request.url },
      res: { statusCode: reply.statusCode },
      responseTime: Math.round(reply.elapsedTime),
    },
    errored ? 'request errored' : reply.raw.writableEnded ? 'request completed' : 'request aborted',
  );
}
