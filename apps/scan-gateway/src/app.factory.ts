import { createServiceApp } from '@coupons/service-kit';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from '@fastify/helmet';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { GatewayModule, SERVICE_NAME } from './app.module';
import { GatewayEnv } from './config/gateway.env';
import { mapError } from './errors/error-mapping';
import { ErrorFilter } from './errors/error.filter';
import { ApiError } from './errors/api-error';
import { isAcceptedJsonType, parseJsonBody } from './errors/json-body';
import { JsonObjectBodyPipe, gatewayValidationPipe } from './errors/validation';
import { serveWebTerminal } from './web/web-terminal';

export interface GatewayAppOptions {
  /** Default HOST (0.0.0.0); tests use 127.0.0.1. */
  host?: string;
  /** Overrides GATEWAY_PORT (tests pass 0). */
  port?: number;
  logDestination?: DestinationStream;
  /** The built web terminal to serve at `/` (default: dist/apps/web-terminal/site). */
  webTerminalDir?: string;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Fastify's router answers a malformed URL (bad percent-encoding) or an over-long path parameter itself, before any
 * hook or Nest code, through the `frameworkErrors` server option. service-kit's createServiceApp builds the adapter
 * without a way to pass that option, so it is set on the server's options object, which the router reads per
 * request. Should a Fastify upgrade hide that object, those two answers fall back to Fastify's format (the
 * integration test says so).
 */
function routerErrorsInOurFormat(app: NestFastifyApplication): void {
  const instance = app.getHttpAdapter().getInstance() as unknown as Record<symbol, unknown>;
  const key = Object.getOwnPropertySymbols(instance).find((s) => s.description === 'fastify.options');
  const options = key ? (instance[key] as { frameworkErrors?: unknown }) : undefined;
  if (!options || typeof options !== 'object') return;
  options.frameworkErrors = (error: Error, _request: FastifyRequest, reply: FastifyReply) => {
    const mapped = mapError(error);
    void reply.code(mapped.status).header('content-type', 'application/json; charset=utf-8').send(mapped.body);
  };
}

/**
 * Security headers (helmet) for a JSON API that will also serve a same-origin web app at `/`: everything from this
 * origin only (scripts, styles, WebAssembly, images and camera frames as blob:/data:), no framing, and the camera
 * for this origin alone. /docs (Swagger UI) needs inline styles and its init script, so it gets a looser policy.
 */
async function securityHeaders(app: NestFastifyApplication): Promise<void> {
  const directives = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    mediaSrc: ["'self'", 'blob:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    workerSrc: ["'self'", 'blob:'],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  };
  await app.register(helmet as never, { contentSecurityPolicy: { useDefaults: false, directives } });
  const fastify = app.getHttpAdapter().getInstance();
  const docsPolicy = Object.entries({ ...directives, styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] })
    .map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${v.join(' ')}`)
    .join(';');
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('permissions-policy', 'camera=(self), microphone=(), geolocation=(), payment=()');
    if (request.url === '/docs' || request.url.startsWith('/docs/')) reply.header('content-security-policy', docsPolicy);
    done(null, payload);
  });
}

/**
 * The one JSON body parser: UTF-8 only, and depth, keys and array sizes bounded before anything recurses over the
 * body (class-transformer overflowed its stack on a 2,000-level array).
 */
function limitedJsonBodies(app: NestFastifyApplication, env: GatewayEnv): void {
  const limits = { maxDepth: env.BODY_MAX_DEPTH, maxKeys: env.BODY_MAX_KEYS, maxItems: env.BODY_MAX_ITEMS };
  app.useBodyParser('application/json', { bodyLimit: env.BODY_LIMIT_BYTES }, (_req, body, done) => {
    let text: string;
    try {
      text = UTF8.decode(body);
    } catch {
      done(new ApiError(400, 'INVALID_JSON', 'the body is not UTF-8'), undefined);
      return;
    }
    try {
      done(null, parseJsonBody(text, limits));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

/** Pipes, error format, content types, security headers and OpenAPI: everything between Fastify and the controllers. */
export async function configureGateway(app: NestFastifyApplication, env: GatewayEnv): Promise<void> {
  app.useGlobalPipes(new JsonObjectBodyPipe(), gatewayValidationPipe());
  app.useGlobalFilters(new ErrorFilter());
  // JSON only: a form or text body is 415, not a string or flat object that slips into validation.
  app.getHttpAdapter().getInstance().addHook('onRequest', (request, _reply, done) => {
    // An empty body is no body (e.g. POST .../cancel sent with a JSON content type): routes that need one say so.
    if (request.headers['content-length'] === '0') delete request.headers['content-type'];
    const type = request.headers['content-type'];
    if (type !== undefined && BODY_METHODS.has(request.method) && !isAcceptedJsonType(type)) {
      done(Object.assign(new Error('send the body as application/json (UTF-8)'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }));
      return;
    }
    done();
  });

  routerErrorsInOurFormat(app);
  limitedJsonBodies(app, env);
  await securityHeaders(app);

  const config = new DocumentBuilder()
    .setTitle('scan-gateway')
    .setDescription(
      'HTTP edge of the scan-to-coupon platform. Errors are {"error": {"code", "message", "details"}}: 400 VALIDATION_FAILED ' +
        '(details name each bad field), INVALID_JSON, INVALID_CODE; 401 UNAUTHORIZED; 403 FORBIDDEN; 404 NOT_FOUND / *_NOT_FOUND; ' +
        '409 business refusals; 413 PAYLOAD_TOO_LARGE; 415 UNSUPPORTED_MEDIA_TYPE; 503 UNAVAILABLE (broker down or a service did not answer in time).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // The document lists what this gateway serves: the dev-token route only where it is on.
  if (!env.AUTH_DEV_TOKENS) delete document.paths['/v1/auth/dev-token'];
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
}

/** Builds and starts the gateway (HTTP listening; Kafka connects in the background and gates /health). */
export async function startGateway(env: GatewayEnv, opts: GatewayAppOptions = {}): Promise<NestFastifyApplication> {
  return createServiceApp(GatewayModule.forRoot(env, { logDestination: opts.logDestination }) as never, {
    serviceName: SERVICE_NAME,
    port: opts.port ?? env.GATEWAY_PORT,
    host: opts.host ?? env.HOST,
    bodyLimit: env.BODY_LIMIT_BYTES,
    configure: async (app) => {
      await configureGateway(app, env);
      await serveWebTerminal(app, opts.webTerminalDir);
    },
  });
}
