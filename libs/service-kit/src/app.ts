import { DynamicModule, INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import { CORRELATION_HEADER, correlationIdOf } from './logging';
import { contractClientErrorHandler, loadHttpServerEnv } from './http-server';
import { MetricsService, metricsAccessHook } from './observability';
import { logRequests } from './request-logging';

export interface ServiceAppOptions {
  serviceName: string;
  port: number;
  /** Default HOST, else 0.0.0.0 (containers); tests may pass 127.0.0.1. */
  host?: string;
  /** Largest accepted request body in bytes (Fastify answers 413 above it). Default 1 MiB. */
  bodyLimit?: number;
  /**
   * Microservice transports (e.g. the Kafka request/reply server for queries) connected to the app with
   * `inheritAppConfig` (so the logger's per-message context and global pipes reach them) and started before the HTTP
   * listener, so /health only answers once the service consumes.
   */
  microservices?: object[];
  /** Runs after the app is created and before anything listens: global pipes, filters, Swagger... */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
}

/**
 * Creates the service's Fastify-based Nest application: JSON logging through nestjs-pino (loggerModule must be
 * imported by the AppModule) with a line per HTTP request (request-logging.ts), the HTTP request duration histogram
 * (when ObservabilityModule is imported), graceful shutdown on SIGTERM/SIGINT (providers' onModuleDestroy/
 * onApplicationShutdown stop consumers and the relay), and listens on host:port.
 */
export async function createServiceApp(appModule: Type<unknown> | DynamicModule, opts: ServiceAppOptions): Promise<NestFastifyApplication> {
  // HOST, timeouts and /metrics access (http-server.ts); a bad value stops the service here, naming the variable.
  const http = loadHttpServerEnv(process.env);
  // Fastify's request id is the correlation id, so pino-http (which keeps an existing req.id) logs the same one.
  const adapter = new FastifyAdapter({
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    genReqId: correlationIdOf,
    requestIdHeader: false,
    // Slow or idle clients can't hold sockets for minutes (Node's defaults: 300 s for a request, no idle limit).
    connectionTimeout: http.HTTP_IDLE_TIMEOUT_MS,
    requestTimeout: http.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: http.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    clientErrorHandler: contractClientErrorHandler,
    // Node checks those deadlines every connectionsCheckingInterval (30 s by default): check every second instead.
    http: { connectionsCheckingInterval: 1000, headersTimeout: Math.min(http.HTTP_HEADERS_TIMEOUT_MS, http.HTTP_REQUEST_TIMEOUT_MS) },
  });
  const app = await NestFactory.create<NestFastifyApplication>(appModule, adapter, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', metricsAccessHook(http));
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(CORRELATION_HEADER, request.id);
    done();
  });
  // The root logger of loggerModule (set once nestjs-pino's providers exist, which app.get(Logger) above ensured).
  if (PinoLogger.root) logRequests(fastify, PinoLogger.root);
  const metrics = tryGet(app, MetricsService);
  if (metrics) {
    fastify.addHook('onResponse', (request, reply, done) => {
      // The route template, never the raw URL: ids in paths would explode the label cardinality.
      const route = request.routeOptions?.url ?? 'unmatched';
      metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      done();
    });
  }

  await opts.configure?.(app);
  const microservices: INestMicroservice[] = [];
  for (const ms of opts.microservices ?? []) microservices.push(app.connectMicroservice(ms, { inheritAppConfig: true }));
  if (microservices.length) await app.startAllMicroservices();
  await app.listen(opts.port, opts.host ?? http.HOST);
  return app;
}

function tryGet<T>(app: NestFastifyApplication, token: Type<T>): T | undefined {
  try {
    return app.get(token, { strict: false });
  } catch {
    return undefined;
  }
}
