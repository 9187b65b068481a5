import { ArgumentMetadata, ExceptionFilter, ForbiddenException, PipeTransform } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
// Nest's own ExecutionContext implementation (not re-exported by @nestjs/core's index), so the guard and the filter
// get the very context object they get from Nest's router.
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ScanBodyPipe } from './scan-body.pipe';
import { ScansController } from './scans.controller';

/** Where ScansController answers. */
export const SCAN_ROUTE = { method: 'POST', url: '/v1/scans' } as const;

/** What Nest's body param extraction hands the pipes for `@Body() body: unknown`. */
const BODY: ArgumentMetadata = { type: 'body', metatype: Object, data: undefined };

/**
 * POST /v1/scans, the hottest route, runs ScansController's request pipeline without Nest's generic router: the same
 * guard instance (JwtAuthGuard from the container, with Nest's ExecutionContextHost), the global pipes then the route's
 * ScanBodyPipe, the controller's own method, and on any error the global exception filters (ErrorFilter), in Nest's
 * order. What is skipped is the machinery around them (router proxy, execution context creation per step, pipes and
 * guards consumers, interceptor chain, response controller), 15-25% of a scan's CPU in A/B runs of the scan benchmark.
 *
 * The controller stays the route's declaration (OpenAPI, response schema, log level, guard, pipe): Nest registers it as
 * usual, and an `onRoute` hook gives Fastify this handler in place of Nest's for that one route. `scan-route.spec.ts`
 * fails if the controller's declared pipeline (guards, interceptors, filters, pipes, status) changes, so the two cannot
 * drift apart silently; the gateway's integration specs run every scan through it.
 */
export function serveScansDirectly(app: NestFastifyApplication): void {
  const guard = app.get(JwtAuthGuard, { strict: false });
  const controller = app.get(ScansController, { strict: false });
  const config = app.get(ApplicationConfig);
  const bodyPipe = new ScanBodyPipe();
  const handler = ScansController.prototype.scan;

  const answer = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const context = new ExecutionContextHost([request, reply, undefined], ScansController, handler);
    try {
      if (!(await guard.canActivate(context))) throw new ForbiddenException('Forbidden resource');
      let body: unknown = request.body;
      for (const pipe of config.getGlobalPipes() as PipeTransform[]) body = await pipe.transform(body, BODY);
      body = await bodyPipe.transform(body);
      const result = await controller.scan(body);
      void reply.code(200);
      return result;
    } catch (err) {
      const filters = config.getGlobalFilters() as ExceptionFilter[];
      if (!filters.length) throw err;
      filters[0].catch(err, context);
      return reply;
    }
  };

  const fastify = app.getHttpAdapter().getInstance();
  let replaced = false;
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url === SCAN_ROUTE.url && methods.length === 1 && methods[0] === SCAN_ROUTE.method) {
      route.handler = answer as RouteHandlerMethod;
      replaced = true;
    }
  });
  // Should Nest ever register the route some other way, starting fails rather than scans silently taking Nest's path.
  fastify.addHook('onReady', (done) => done(replaced ? undefined : new Error(`${SCAN_ROUTE.method} ${SCAN_ROUTE.url} was not registered through Fastify's onRoute`)));
}
