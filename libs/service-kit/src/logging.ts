import { DynamicModule } from '@nestjs/common';
import { IncomingMessage } from 'node:http';
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

/** Query parameters whose value is a credential (EventSource sends the bearer token as `?access_token=`). */
const SECRET_QUERY_PARAMS = /([?&](?:access_token|token|id_token|refresh_token|api_key|apikey)=)[^&#]*/gi;
const REDACTED = '[redacted]';

/** A URL (or path with a query) with credential query parameters' values replaced by `[redacted]`. */
export function redactUrl(url: unknown): unknown {
  return typeof url === 'string' ? url.replace(SECRET_QUERY_PARAMS, `$1${REDACTED}`) : url;
}

/**
 * The `req` serializer of every service's log: the URL without query-string tokens, and no credential headers. Pino
 * applies it to any line that logs a `req`, whoever writes it.
 */
export function serializeRequest(req: unknown): unknown {
  if (typeof req !== 'object' || req === null) return req;
  const out: Record<string, unknown> = { ...(req as Record<string, unknown>) };
  if ('url' in out) out.url = redactUrl(out.url);
  const headers = out.headers;
  if (typeof headers === 'object' && headers !== null) {
    const h: Record<string, unknown> = { ...(headers as Record<string, unknown>) };
    for (const name of ['authorization', 'cookie', 'proxy-authorization', 'x-api-key']) if (name in h) h[name] = REDACTED;
    out.headers = h;
  }
  return out;
}

/** The request's correlation id: a well-formed incoming `x-correlation-id`, else a new uuid. */
export function correlationIdOf(req: IncomingMessage): string {
  const incoming = req.headers[CORRELATION_HEADER];
  return typeof incoming === 'string' && CORRELATION_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * nestjs-pino configured the same way for every service: JSON lines with `service` and `instance` fields, level from
 * LOG_LEVEL. HTTP requests are logged by createServiceApp (see request-logging.ts), one line per request with its
 * `correlationId` (the incoming `x-correlation-id` header, or a new uuid, echoed back as a response header); nestjs-pino's
 * own per-request middleware is not mounted, so logs written while a request is handled do not get the correlation id
 * bound by themselves (code that has the request adds it; see the service-kit README). Kafka handlers do: withLogContext.
 */
export function loggerModule(serviceName: string, opts: LoggerModuleOptions = {}): DynamicModule {
  const level = opts.level ?? process.env.LOG_LEVEL ?? 'info';
  const instance = opts.instanceId ?? process.env.INSTANCE_ID ?? `${hostname()}-${process.pid}`;
  // Only the root logger of this pino-http instance is used (by nestjs-pino's PinoLogger and by createServiceApp's
  // request lines), never its middleware; its req/res serializers are not wrapped, so the request lines' plain
  // `req`/`res` objects are written as they are.
  // Tokens never reach a line: `req` goes through serializeRequest, and any `authorization` field is censored.
  const rootOptions = {
    level, base: { service: serviceName, instance }, messageKey: 'msg', wrapSerializers: false,
    serializers: { req: serializeRequest },
    redact: { paths: ['authorization', '*.authorization', '*.headers.authorization', 'headers.authorization'], censor: REDACTED },
  };
  return LoggerModule.forRoot({
    pinoHttp: opts.destination ? [rootOptions, opts.destination] : rootOptions,
    // No HTTP middleware: it would bind a logger per request through AsyncLocalStorage, whose promise hooks slow every
    // promise in the process (Node 20).
    forRoutes: [],
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
