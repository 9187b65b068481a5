import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

/** Where tools/build.sh puts the built web terminal (dist/apps/web-terminal/site), seen from dist/apps/scan-gateway/src/web. */
export const DEFAULT_WEB_TERMINAL_DIR = resolve(__dirname, '../../../web-terminal/site');

/**
 * The web app's client-side routes (apps/web-terminal/src/app/routes.ts): a reload or a shared link on one of them
 * gets index.html. Anything else that is no file and no API route keeps the API's 404 JSON, so /v1, /docs, /health
 * and /metrics never answer with the app.
 */
export const WEB_TERMINAL_ROUTES = [
  '/scan', '/offers', '/wallet', '/cart', '/orders', '/orders/:orderId', '/sign-in',
  // the merchant console
  '/merchant', '/merchant/sign-in', '/merchant/stores', '/merchant/products', '/merchant/coupons', '/merchant/coupons/:couponId',
];

/** Vite puts content-hashed files under assets/: they never change, so they are cached for a year. */
const HASHED = `${sep}assets${sep}`;

function cacheHeaders(reply: FastifyReply, path: string): void {
  reply.header('cache-control', path.includes(HASHED) ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/**
 * Serves the built web terminal at `/` with @fastify/static: one route per file found at start-up (no wildcard, so
 * unknown paths fall through to the API's 404), index.html and other unhashed files `no-cache`. Without a build the
 * gateway starts anyway and says so.
 */
export async function serveWebTerminal(app: NestFastifyApplication, dir = DEFAULT_WEB_TERMINAL_DIR): Promise<boolean> {
  const logger = new Logger('WebTerminal');
  if (!existsSync(join(dir, 'index.html'))) {
    logger.warn(`web terminal not served: no build in ${dir} (npm run build makes it); the API is unaffected`);
    return false;
  }
  await app.register(fastifyStatic as never, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    cacheControl: false,
    dotfiles: 'ignore',
    setHeaders: cacheHeaders,
  });
  const index = (_request: unknown, reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html');
  const server = app.getHttpAdapter().getInstance();
  for (const route of WEB_TERMINAL_ROUTES) server.get(route, index);
  logger.log(`web terminal served at / from ${dir}`);
  return true;
}
