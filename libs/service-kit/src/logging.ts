import { DynamicModule, RequestMethod } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';

/** HTTP header carrying the correlation id in and out (same name as the Kafka header). */
export const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_ID = /^[\x21-\x7E]{1,128}$/;

export interface LoggerModuleOptions {
  /** Default: process.env.LOG_LEVEL, else info. */
  level?: string;
  /** Default: process.env.INSTANCE_ID, else hostname-pid. */
  instanceId?: string;
  /** Where JSON lines go (default stdout); tests pass a stream to read them. */
  destination?: DestinationStream;
}

/** The request's correlation id: a well-formed incoming `x-correlation-id`, else a new uuid. */
export function correlationIdOf(req: IncomingMessage): string {
  const incoming = req.headers[CORRELATION_HEADER];
  return typeof incoming === 'string' && CORRELATION_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * nestjs-pino configured the same way for every service: JSON lines with `service` and `instance` fields, level from
 * LOG_LEVEL, and a `correlationId` per HTTP request taken from the incoming `x-correlation-id` header (or a new
 * uuid), echoed back as a response header. /health and /metrics are not logged per request (probes would drown the log).
 */
export function loggerModule(serviceName: string, opts: LoggerModuleOptions = {}): DynamicModule {
  const level = opts.level ?? process.env.LOG_LEVEL ?? 'info';
  const instance = opts.instanceId ?? process.env.INSTANCE_ID ?? `${hostname()}-${process.pid}`;
  const httpOptions = {
    level,
    base: { service: serviceName, instance },
    messageKey: 'msg',
    customAttributeKeys: { reqId: 'correlationId' },
    // Under Fastify, req.id is already set by the adapter's genReqId (createServiceApp) and pino-http keeps it; this
    // one serves any other adapter.
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = correlationIdOf(req);
      res.setHeader(CORRELATION_HEADER, id);
      return id;
    },
    // Bind only the correlation id to logs made during the request (the completion line still has req/res).
    quietReqLogger: true,
    // middie strips the matched prefix from req.url: the full path is in originalUrl.
    autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)(\?|$)/.test((req as { originalUrl?: string }).originalUrl ?? req.url ?? '') },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
  return LoggerModule.forRoot({
    pinoHttp: opts.destination ? [httpOptions, opts.destination] : httpOptions,
    // nestjs-pino's default route `{/*splat}` never matches under @nestjs/platform-fastify 12 + @fastify/middie 9
    // (no request was logged and no correlation id set); `{*path}` matches every path.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    // Kafka handlers get a logging context per message too (see withLogContext), so `assign` works there.
    microservice: { autoLogging: false },
  });
}

/** Fields bound to every log line written while a Kafka message is handled. */
export interface MessageLogFields {
  correlationId: string;
  eventId?: string;
  type?: string;
  topic?: string;
  partition?: number;
  offset?: string;
  [key: string]: unknown;
}

/**
 * Runs `fn` in a logging context carrying the message's correlation id (and event id, type, position), so every
 * `PinoLogger` call inside it, however deep, is tied to the request that caused the message. Works for kafkajs
 * consumers that Nest's request pipeline does not see.
 */
export function withLogContext<T>(logger: PinoLogger, fields: MessageLogFields, fn: () => T): T {
  return logger.runInContext(fn, { bindings: fields });
}
